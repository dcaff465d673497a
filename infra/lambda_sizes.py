"""Unzipped size of what each Lambda function deploys, against Lambda's 250 MB limit (function + its layers;
Lambda's MB are MiB: the limit is 262,144,000 bytes).

The zip functions and the shared layer come from a real `sam build` of each function (`--cached`, so the layer is
built once); the model layer has no build method, so SAM uploads its folder as it is. The validate function is a
container image (limit 10 GB): its dependencies are measured by installing its lock file the way its Dockerfile
does, for the Lambda platform, into a folder (no Docker daemon needed), plus the code it copies.

    python -m infra.lambda_sizes --python312 ~/.pyenv/versions/3.12.1/bin/python3.12
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from distillguard.local.template import load_template, resources_of_type

ROOT = Path(__file__).resolve().parents[1]
ZIP_LIMIT_MIB = 250
PLATFORMS = ("manylinux_2_34_x86_64", "manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")


def mebibytes(path: Path, *, bytecode: bool = True) -> float:
    """Bytes of the files under path, in MiB; `bytecode=False` leaves out __pycache__ (a working tree's own)."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    if not bytecode:
        files = [p for p in files if "__pycache__" not in p.parts]
    return sum(p.stat().st_size for p in files) / 2**20


def sam_build(function: str, build_dir: Path, python312: Path) -> None:
    environment = os.environ | {"PATH": f"{python312.parent}{os.pathsep}{os.environ['PATH']}"}
    sam = str(Path(sys.executable).with_name("sam"))
    command = [sam, "build", function, "--cached", "--build-dir", str(build_dir), "--template", "template.yaml"]
    subprocess.run(command, cwd=ROOT, env=environment, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def image_dependencies(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-cache-dir", "--no-warn-conflicts"]
    command += ["--require-hashes"]
    command += ["--only-binary=:all:", *platforms, "--python-version", "3.12", "--implementation", "cp"]
    command += ["--target", str(target), "-r", "functions/validate/requirements.txt"]
    subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python312", type=Path, required=True, help="a CPython 3.12 for sam build")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "sizes")
    parser.add_argument("--measure-only", action="store_true", help="measure the last build again, build nothing")
    args = parser.parse_args()
    template = load_template(ROOT / "template.yaml")
    functions = resources_of_type(template, "AWS::Serverless::Function")
    layer_sizes: dict[str, float] = {}
    rows = []
    for name, function in sorted(functions.items()):
        properties = function["Properties"]
        if properties.get("PackageType") == "Image":
            continue
        build_dir = args.out / name
        if not args.measure_only:
            sam_build(name, build_dir, args.python312)
        layers = [layer["Ref"] for layer in properties.get("Layers", [])]
        for layer in layers:
            built = build_dir / layer
            source = built if built.exists() else ROOT / template["Resources"][layer]["Properties"]["ContentUri"]
            layer_sizes[layer] = mebibytes(source)
        code = mebibytes(build_dir / name)
        rows.append((name, code, layers, code + sum(layer_sizes[layer] for layer in layers)))
    print(f"{'layer':<22}{'unzipped MiB':>13}")
    for layer, size in sorted(layer_sizes.items()):
        print(f"{layer:<22}{size:>13.1f}")
        built = next((args.out / name / layer for name in functions if (args.out / name / layer).exists()), None)
        if built is not None:
            parts = sorted(((mebibytes(p), p.name) for p in (built / "python").iterdir()), reverse=True)[:6]
            print(" " * 22 + "largest: " + ", ".join(f"{part} {part_size:.1f}" for part_size, part in parts))
    print(f"\n{'zip function':<22}{'code KiB':>10}{'with layers MiB':>17}{'limit MiB':>11}  layers")
    for name, code, layers, total in rows:
        print(f"{name:<22}{code * 1024:>10.1f}{total:>17.1f}{ZIP_LIMIT_MIB:>11}  {', '.join(layers)}")
    image = args.out / "validate-image"
    if not args.measure_only:
        image_dependencies(image)
    code = mebibytes(ROOT / "shared" / "distillguard", bytecode=False) + mebibytes(ROOT / "functions/validate/app.py")
    print(f"\nValidateFunction image: {mebibytes(image):.1f} MiB of dependencies + {code:.1f} MiB of code over the")
    print("public.ecr.aws/lambda/python:3.12 base image (image limit 10 GB; not built here: no Docker daemon)")


if __name__ == "__main__":
    main()
