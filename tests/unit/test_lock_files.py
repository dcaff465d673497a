"""What the Lambdas install is locked: every requirements file a build reads pins each package to one version
with its hashes, the pins satisfy pyproject.toml, and the validate image installs in pip's hash-checking mode
from a base image pinned by digest. `make lock` regenerates the lock files."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# Each lock file, the extras of pyproject.toml it holds, and whether it holds the core dependencies too (`make
# lock`): the layer holds the core, the classify function only the model runtime (the `cpu` extra), the validate
# image both the core and the `validate` extra.
LOCKS = {
    "shared/requirements.txt": ((), True),
    "functions/classify/requirements.txt": (("cpu",), False),
    "functions/validate/requirements.txt": (("validate",), True),
}
# The Lambda runtime the locks are resolved for (template.yaml: python3.12, x86_64).
LAMBDA_ENVIRONMENT = default_environment() | {
    "python_version": "3.12",
    "python_full_version": "3.12.0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "implementation_name": "cpython",
}
# What SAM's pip builder reads for the zip functions and the layer, and what the validate image installs.
REQUIREMENTS_READ_BY_BUILDS = ("functions/*/requirements*.txt", "shared/requirements*.txt")
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?P<options>.*)$")


def requirement_lines(path: Path) -> list[str]:
    """The file's requirements, one string each, continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", path.read_text())
    return [line.split("#", 1)[0].strip() for line in joined.splitlines() if line.split("#", 1)[0].strip()]


def pins(path: Path) -> dict[str, Version]:
    pinned = {}
    for line in requirement_lines(path):
        match = _PIN.match(line)
        assert match, f"{path.name}: not an exact pin: {line[:80]}"
        pinned[canonicalize_name(match["name"])] = Version(match["version"])
    return pinned


def top_level(extras: tuple[str, ...], core: bool = True) -> list[Requirement]:
    declared = (PYPROJECT["project"]["dependencies"] if core else []) + [
        spec for extra in extras for spec in PYPROJECT["project"]["optional-dependencies"][extra]
    ]
    requirements = [Requirement(spec) for spec in declared]
    return [r for r in requirements if r.marker is None or r.marker.evaluate(LAMBDA_ENVIRONMENT)]


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_direct_dependency_is_pinned_inside_the_range_pyproject_allows(lock: str) -> None:
    # Given a lock file and the dependencies pyproject.toml declares for what it ships
    pinned = pins(ROOT / lock)
    # Then each one is pinned, at a version its specifier admits (else `make lock` was not rerun)
    for requirement in top_level(*LOCKS[lock]):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{lock} lacks {name}: run `make lock`"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{lock} pins {name}=={pinned[name]}, outside pyproject.toml's {requirement.specifier}: run `make lock`"
        )


BUILD_REQUIREMENTS = sorted(
    str(path.relative_to(ROOT)) for pattern in REQUIREMENTS_READ_BY_BUILDS for path in ROOT.glob(pattern)
)


@pytest.mark.parametrize("path", BUILD_REQUIREMENTS)
def test_every_requirements_file_a_build_reads_is_empty_or_fully_hashed(path: str) -> None:
    # Given a requirements file that a build installs from
    lines = requirement_lines(ROOT / path)
    # Then each requirement in it is one exact version with at least one sha256, which puts pip in hash-checking
    # mode: a package or a version the file does not list is refused, so no dependency floats
    assert path in LOCKS or not lines, f"{path}: a function's dependencies come from the locked layer"
    for line in lines:
        assert _PIN.match(line) and "--hash=sha256:" in line, f"{path}: unpinned or unhashed: {line[:80]}"


def test_the_validate_image_installs_only_the_lock_on_a_base_image_pinned_by_digest() -> None:
    dockerfile = (ROOT / "functions/validate/Dockerfile").read_text()
    assert re.search(r"^FROM public\.ecr\.aws/lambda/python:3\.12@sha256:[0-9a-f]{64}$", dockerfile, re.MULTILINE)
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert installs == ["RUN pip install --no-cache-dir --require-hashes --only-binary=:all: -r /tmp/requirements.txt"]
    assert "COPY functions/validate/requirements.txt /tmp/requirements.txt" in dockerfile


def test_the_builds_that_install_a_lock_do_it_in_hash_checking_mode() -> None:
    # Given the template's zip builds that install third-party packages: the shared layer and the classify function
    template = (ROOT / "template.yaml").read_text()
    for resource, makefile in (("SharedLayer", "shared/Makefile"), ("ClassifyFunction", "functions/classify/Makefile")):
        block = re.search(rf"^  {resource}:\n(?:(?:    .*)?\n)+", template, re.MULTILINE)
        assert block is not None and "BuildMethod: makefile" in block.group(0), f"{resource}: SAM's pip builder"
        # Then SAM runs the resource's own make target, which installs the lock with --require-hashes, wheels only
        rules = (ROOT / makefile).read_text()
        assert f"build-{resource}:" in rules
        install = next(line for line in rules.splitlines() if "pip install" in line)
        assert "--require-hashes" in install and "$(WHEELS)" in install and "-r requirements.txt" in rules
        assert "--only-binary=:all:" in rules
