"""Unzipped size of what each Lambda function deploys, against Lambda's 250 MB limit (function + its layers).

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
ZIP_LIMIT_MB = 250
PLATFORMS = ("manylinux_2_34_x86_64", "manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64")


def megabytes(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return sum(p.stat().st_size for p in files) / 1e6


def sam_build(function: str, build_dir: Path, python312: Path) -> None:
    environment = os.environ | {"PATH": f"{python312.parent}{os.pathsep}{os.environ['PATH']}"}
    sam = str(Path(sys.executable).with_name("sam"))
    command = [sam, "build", function, "--cached", "--build-dir", str(build_dir), "--template", "template.yaml"]
    subprocess.run(command, cwd=ROOT, env=environment, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def image_dependencies(target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-cache-dir", "--require-hashes"]
    command += ["--only-binary=:all:", *platforms, "--python-version", "3.12", "--implementation", "cp"]
    command += ["--target", str(target), "-r", "functions/validate/requirements.txt"]
    subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python312", type=Path, required=True, help="a CPython 3.12 for sam build")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "sizes")
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
        sam_build(name, build_dir, args.python312)
        layers = [layer["Ref"] for layer in properties.get("Layers", [])]
        for layer in layers:
            built = build_dir / layer
            source = built if built.exists() else ROOT / template["Resources"][layer]["Properties"]["ContentUri"]
            layer_sizes[layer] = megabytes(source)
        code = megabytes(build_dir / name)
        rows.append((name, code, layers, code + sum(layer_sizes[layer] for layer in layers)))
    print(f"{'layer':<22}{'unzipped MB':>12}")
    for layer, size in sorted(layer_sizes.items()):
        print(f"{layer:<22}{size:>12.1f}")
    print(f"\n{'zip function':<22}{'code MB':>12}{'with layers MB':>16}{'limit MB':>10}  layers")
    for name, code, layers, total in rows:
        print(f"{name:<22}{code:>12.2f}{total:>16.1f}{ZIP_LIMIT_MB:>10}  {', '.join(layers)}")
    image = args.out / "validate-image"
    image_dependencies(image)
    code = megabytes(ROOT / "shared" / "distillguard") + megabytes(ROOT / "functions" / "validate" / "app.py")
    print(f"\nValidateFunction image: {megabytes(image):.1f} MB of dependencies + {code:.1f} MB of code over the")
    print("public.ecr.aws/lambda/python:3.12 base image (image limit 10 GB; not built here: no Docker daemon)")


if __name__ == "__main__":
    main()
