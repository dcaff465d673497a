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

from distillguard.adapters.s3 import S3Object


@dataclass(frozen=True)
class FolderObjectStore:
    """Keys under `raw_prefix` are files under `raw_root` (read only); all other keys are files under `scratch`."""

    raw_root: Path
    raw_prefix: str
    scratch: Path
    bucket: str = "in-process"  # Bedrock's offloaded bodies name a bucket: this one stands for any

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

    def keys(self, prefix: str) -> list[str]:
        root = self.raw_root if prefix.startswith(self.raw_prefix) else self.scratch
        base = self.raw_prefix if root is self.raw_root else ""
        found = (base + path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
        return sorted(key for key in found if key.startswith(prefix))
