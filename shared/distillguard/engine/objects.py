"""An object store over local folders, with the ObjectStore interface the stages use (adapters/s3.py): the raw
logs are read where they lie, and every stage output goes to a scratch folder. The in-process engine runs the
stage code over it, so no byte of a replay crosses a network."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from distillguard.adapters.s3 import ObjectStore, S3Object


@dataclass(frozen=True)
class FolderObjectStore:
    """Keys under `raw_prefix` are files under `raw_root` (read only); all other keys are files under `scratch`."""

    raw_root: Path
    raw_prefix: str
    scratch: Path
    bucket: str = "in-process"  # Bedrock's offloaded bodies name a bucket: this one stands for any
    read_threads: int = 1  # local files: threads would only add overhead

    def path(self, key: str) -> Path:
        if key.startswith(self.raw_prefix):
            return self.raw_root / key[len(self.raw_prefix) :]
        return self.scratch / key

    def open(self, key: str) -> S3Object:
        path = self.path(key)
        status = path.stat()
        return S3Object(
            key=key,
            # An S3 ETag changes when the content does; size and modification time are the local equivalent.
            etag=f"{status.st_size:x}-{status.st_mtime_ns:x}",
            last_modified=datetime.fromtimestamp(status.st_mtime, UTC),
            body=path.open("rb"),
            size=status.st_size,
        )

    def _target(self, key: str) -> Path:
        if key.startswith(self.raw_prefix):
            raise PermissionError(f"{key}: the raw logs are read only")
        target = self.scratch / key
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def upload(self, path: Path, key: str, content_type: str = "application/x-ndjson") -> None:
        target = self._target(key)
        target.unlink(missing_ok=True)
        try:
            os.link(path, target)  # same file system: no copy
        except OSError:
            shutil.copyfile(path, target)

    def put_model(self, key: str, model: BaseModel) -> None:
        self._target(key).write_text(model.model_dump_json(indent=2), encoding="utf-8")

    def read_bounded(self, key: str, max_bytes: int) -> bytes | None:
        try:
            with self.path(key).open("rb") as handle:
                return handle.read(max_bytes + 1)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def get_json(self, key: str) -> Any:
        return json.loads(self.path(key).read_bytes())

    def delete(self, key: str) -> None:
        self._target(key).unlink(missing_ok=True)

    def raw_listing(self) -> list[tuple[str, int]]:
        """Every raw log object (named as `log_files` picks them: no `_` or `.` names) with its size."""
        from distillguard.local.pipeline import log_files

        return [
            (self.raw_prefix + path.relative_to(self.raw_root).as_posix(), path.stat().st_size)
            for path in log_files(self.raw_root)
        ]

    def keys(self, prefix: str) -> list[str]:
        raw = prefix.startswith(self.raw_prefix)
        root, base = (self.raw_root, self.raw_prefix) if raw else (self.scratch, "")
        found = (base + path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
        return sorted(key for key in found if key.startswith(prefix))


_buckets: dict[tuple[int, str], ObjectStore] = {}


def _bucket(name: str) -> ObjectStore:
    """One S3 client per process and bucket (clients must not cross a fork)."""
    key = (os.getpid(), name)
    if key not in _buckets:
        from distillguard.adapters.clients import client

        _buckets[key] = ObjectStore(client("s3"), name)
    return _buckets[key]


@dataclass(frozen=True)
class BucketObjectStore(FolderObjectStore):
    """Raw log objects read from an S3 bucket under `listed_prefix` (a backfill of logs already there); every
    stage output still goes to the local scratch folder, so the bucket is only read."""

    source_bucket: str = ""
    listed_prefix: str = ""
    read_threads: int = 8

    def open(self, key: str) -> S3Object:
        return _bucket(self.source_bucket).open(key) if key.startswith(self.raw_prefix) else super().open(key)

    def read_bounded(self, key: str, max_bytes: int) -> bytes | None:
        if key.startswith(self.raw_prefix):
            return _bucket(self.source_bucket).read_bounded(key, max_bytes)
        return super().read_bounded(key, max_bytes)

    def raw_listing(self) -> list[tuple[str, int]]:
        store = _bucket(self.source_bucket)
        paginator = store.client.get_paginator("list_objects_v2")
        return [
            (item["Key"], int(item.get("Size", 0)))
            for page in paginator.paginate(Bucket=self.source_bucket, Prefix=self.listed_prefix)
            for item in page.get("Contents", [])
            if not item["Key"].endswith("/")
        ]
