"""What every stage needs of an object store, and where it writes its scratch files."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from distillguard.adapters.s3 import S3Object


class ObjectStore(Protocol):
    """What the stages need of an object store: S3 (adapters.s3.ObjectStore) or local folders (engine)."""

    @property
    def bucket(self) -> str: ...

    @property
    def read_threads(self) -> int:
        """How many objects to open at once: several for a network store, one for local files."""
        ...

    def open(self, key: str) -> S3Object: ...

    def upload(self, path: Path, key: str, content_type: str = ...) -> None: ...

    def put_model(self, key: str, model: BaseModel) -> None: ...

    def read_bounded(self, key: str, max_bytes: int) -> bytes | None: ...


SCRATCH = tempfile.gettempdir()  # /tmp in Lambda: sized by the function's EphemeralStorage
