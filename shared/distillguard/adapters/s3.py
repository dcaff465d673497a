"""Reading log objects as streams and writing stage outputs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from botocore.exceptions import ClientError
from pydantic import BaseModel

SINGLE_PUT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class S3Object:
    key: str
    etag: str
    last_modified: datetime
    body: BinaryIO
    size: int | None = None


@dataclass(frozen=True)
class ObjectStore:
    client: Any
    bucket: str
    read_threads: int = 8  # objects a stage opens at once: under botocore's default pool of 10 connections

    def open(self, key: str) -> S3Object:
        response = self.client.get_object(Bucket=self.bucket, Key=key)
        return S3Object(
            key=key,
            etag=response["ETag"].strip('"'),
            last_modified=response["LastModified"],
            body=response["Body"],
            size=response.get("ContentLength"),
        )

    def upload(self, path: Path, key: str, content_type: str = "application/x-ndjson") -> None:
        """Uploads a gzip JSON-lines file: one request when small, a multipart upload when large."""
        extra = {"ContentType": content_type, "ContentEncoding": "gzip", "ServerSideEncryption": "AES256"}
        if path.stat().st_size <= SINGLE_PUT_BYTES:
            with path.open("rb") as body:
                self.client.put_object(Bucket=self.bucket, Key=key, Body=body, **extra)
        else:
            self.client.upload_file(str(path), self.bucket, key, ExtraArgs=extra)

    def put_model(self, key: str, model: BaseModel) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=model.model_dump_json(indent=2).encode(),
            ContentType="application/json",
            ServerSideEncryption="AES256",
        )

    def read_bounded(self, key: str, max_bytes: int) -> bytes | None:
        """At most ``max_bytes + 1`` bytes of the object (one more tells the caller it is larger), or ``None`` if
        there is no such object. Without s3:ListBucket, S3 answers AccessDenied for a missing key, so that counts as
        missing too; other errors (throttling, a 503) propagate, and the log object is retried."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{max_bytes}")
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code in ("NoSuchKey", "404", "AccessDenied", "403"):
                return None
            if code == "InvalidRange":  # an empty object has no byte 0
                return b""
            raise
        data: bytes = response["Body"].read(max_bytes + 1)
        return data

    def get_json(self, key: str) -> Any:
        return json.loads(self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read())

    def keys(self, prefix: str) -> list[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        return [
            item["Key"]
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix)
            for item in page.get("Contents", [])
        ]
