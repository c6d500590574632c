"""The container image's Python contents, without Docker (docs/deployment.md).

No Docker daemon runs here, so the image is assembled the way the Dockerfile assembles
it, from the Dockerfile itself: the wheel ``pip wheel`` builds from the checkout, installed
without its dependencies into a fresh virtualenv that sees the project's installed
dependencies but not its editable install; the files the final stage copies under
/opt/platform, laid out under a temporary root; the dbt manifest built there with the
production target; and the final stage's ``ENV``, its paths moved under that root. Then,
from that root and never from the checkout, what the image runs: the code location, and
the audit over it.

What this does not cover: the base image, the system packages, the non-root account and
``docker build`` itself.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "Dockerfile"
#: The files ``pip wheel`` needs to build the wheel (the Dockerfile's build stage copies these).
#: Without LICENSE the build only warns, and the wheel ships without its licence.
WHEEL_SOURCES = ("pyproject.toml", "README.md", "LICENSE", "platform_assets")
#: What .dockerignore keeps out of the copied directories.
IGNORED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "target", "logs", "dbt_packages", ".user.yml", "__snapshots__"
)
IMAGE_WORKDIR = "/opt/platform"
#: The dbt target the image's manifest is built with (its build stage's `dbt parse`).
MANIFEST_TARGET = "postgres"
#: The deployment's own configuration, as the Helm values hand it to the code location.
DEPLOYMENT_ENV = {"PLATFORM_ENV": "prod", "PLATFORM_PII_HMAC_KEY": "0f" * 32}


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def dockerfile_instructions(text: str) -> list[Instruction]:
    """Instructions with comments dropped and continuation lines joined."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = "\n".join(lines).replace("\\\n", " ")
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append(Instruction(keyword.upper(), arguments.strip()))
    return instructions


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    last_from = max(i for i, ins in enumerate(instructions) if ins.keyword == "FROM")
    return instructions[last_from + 1 :]


def image_env(instructions: list[Instruction], root: Path) -> dict[str, str]:
    """The final stage's ENV, each absolute path moved under ``root``. The image's PATH is
    left out: the caller puts the virtualenv first."""
    env = {}
    for instruction in final_stage(instructions):
        if instruction.keyword == "ENV":
            for assignment in shlex.split(instruction.arguments):
                name, _, value = assignment.partition("=")
                if name != "PATH":
                    env[name] = f"{root}{value}" if value.startswith("/") else value
    return env


def copied_into_image(instructions: list[Instruction]) -> list[tuple[str, str]]:
    """(source in the checkout, absolute destination) of every COPY from the build context
    to an absolute path; `COPY --from` copies a stage's output, rebuilt here separately."""
    copies = []
    for instruction in instructions:
        if instruction.keyword == "COPY" and not instruction.arguments.startswith("--"):
            *sources, destination = shlex.split(instruction.arguments)
            if destination.startswith("/"):
                copies += [(source, destination) for source in sources]
    return copies


def created_directories(instructions: list[Instruction]) -> list[str]:
    """The directories the final stage's `mkdir -p` creates."""
    directories = []
    for instruction in final_stage(instructions):
        words = shlex.split(instruction.arguments)
        if instruction.keyword == "RUN" and words[:2] == ["mkdir", "-p"]:
            for word in words[2:]:
                if word == "&&":
                    break
                directories.append(word)
    return directories


def run(args: list[str | Path], env: Mapping[str, str], cwd: Path) -> str:
    result = subprocess.run(
        [str(arg) for arg in args],
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} exited {result.returncode}\n"
        f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}"
    )
    return result.stdout


@dataclass(frozen=True)
class Image:
    root: Path
    venv: Path
    env: dict[str, str]

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def workdir(self) -> Path:
        return self.root / IMAGE_WORKDIR.lstrip("/")

    def run(self, *args: str | Path, extra_env: Mapping[str, str] | None = None) -> str:
        return run(list(args), {**self.env, **(extra_env or {})}, self.workdir)


def build_wheel(build_dir: Path) -> Path:
    """The wheel of a copy of the checkout's package, so the build leaves nothing in the
    work tree."""
    source = build_dir / "src"
    source.mkdir()
    for name in WHEEL_SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=IGNORED)
        else:
            shutil.copy2(path, source / name)
    wheels = build_dir / "wheels"
    environment = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "--wheel-dir", wheels, source],
        environment,
        build_dir,
    )
    (wheel,) = wheels.glob("platform_assets-*.whl")
    return wheel


def install_without_dependencies(wheel: Path, venv: Path) -> None:
    """A virtualenv holding only the wheel. It imports the dependencies from the project's
    virtualenv through a path entry: a plain path in a .pth file adds that directory alone,
    and the .pth files inside it (the editable install's finder among them) are not run."""
    run([sys.executable, "-m", "venv", "--without-pip", venv], os.environ, venv.parent)
    run(
        [sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install",
         "--no-deps", "--no-index", "-q", wheel],
        {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        venv.parent,
    )  # fmt: skip
    (site_packages,) = (venv / "lib").glob("python3*/site-packages")
    dependencies = sysconfig.get_paths()["purelib"]
    (site_packages / "project_dependencies.pth").write_text(f"{dependencies}\n")


def lay_out_image_files(instructions: list[Instruction], root: Path) -> None:
    for source, destination in copied_into_image(instructions):
        target = root / destination.lstrip("/")
        if (REPO / source).is_dir():
            shutil.copytree(REPO / source, target, ignore=IGNORED, dirs_exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / source, target)
    for directory in created_directories(instructions):
        (root / directory.lstrip("/")).mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    base = tmp_path_factory.mktemp("image")
    instructions = dockerfile_instructions(DOCKERFILE.read_text())
    root = base / "root"
    venv = base / "venv"
    install_without_dependencies(build_wheel(base), venv)
    lay_out_image_files(instructions, root)
    env = {
        **image_env(instructions, root),
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(base),
        "LANG": "C.UTF-8",
    }
    built = Image(root=root, venv=venv, env=env)
    project_dir = env["PLATFORM_DBT_PROJECT_DIR"]
    built.run(
        built.python, "-m", "dbt.cli.main", "parse",
        "--project-dir", project_dir, "--profiles-dir", project_dir,
        extra_env={"PLATFORM_DBT_TARGET": MANIFEST_TARGET},
    )  # fmt: skip
    return built


def test_the_dockerfile_builds_the_manifest_with_the_production_target() -> None:
    text = DOCKERFILE.read_text()
    assert f"PLATFORM_DBT_TARGET={MANIFEST_TARGET} /opt/venv/bin/dbt parse" in text
    assert f"WORKDIR {IMAGE_WORKDIR}" in text


#: Local state that must never reach the build context: the data root holds the DuckDB
#: warehouse and the laptop's pseudonym key.
LOCAL_STATE = ("data", ".venv", ".dagster_home", "dbt_project/target", ".env")
#: Configuration the deployment hands over at run time, never the image.
SECRETS = ("PLATFORM_POSTGRES_URL", "PLATFORM_DAGSTER_POSTGRES_URL", "PLATFORM_PII_HMAC_KEY")


def test_the_image_holds_no_local_state_and_no_secret(tmp_path: Path) -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert set(LOCAL_STATE) <= ignored
    baked = image_env(dockerfile_instructions(DOCKERFILE.read_text()), tmp_path)
    assert not set(SECRETS) & set(baked)
    assert "PLATFORM_ENV" not in baked


def test_the_dockerfile_builds_the_wheel_from_the_same_sources() -> None:
    instructions = dockerfile_instructions(DOCKERFILE.read_text())
    last_from = max(i for i, ins in enumerate(instructions) if ins.keyword == "FROM")
    build_stage_copies = [
        source
        for instruction in instructions[:last_from]
        if instruction.keyword == "COPY"
        for source in shlex.split(instruction.arguments)[:-1]
    ]
    missing = sorted(set(WHEEL_SOURCES) - set(build_stage_copies))
    assert not missing, f"the Dockerfile's build stage must COPY {missing} before `pip wheel`"


#: Where the installed interpreter finds the package, what is on its path, and the
#: licence the wheel installed with it.
INSTALLED_PACKAGE = """
import json, os, sys
from importlib.metadata import distribution
import platform_assets
installed = distribution("platform-assets")
print(json.dumps({
    "file": platform_assets.__file__,
    "path": [os.path.abspath(entry) for entry in sys.path],
    "license": installed.read_text("licenses/LICENSE"),
    "expression": installed.metadata["License-Expression"],
}))
"""


def test_the_wheel_is_imported_and_not_the_checkout(image: Image) -> None:
    installed = json.loads(image.run(image.python, "-c", INSTALLED_PACKAGE).splitlines()[-1])
    assert Path(installed["file"]).is_relative_to(image.venv)
    # The only path entry holding a platform_assets package is the wheel's site-packages:
    # the checkout (and its editable install) cannot be what the audit or the location load.
    providers = [p for p in installed["path"] if (Path(p) / "platform_assets").is_dir()]
    assert [Path(p) for p in providers] == [Path(installed["file"]).parents[1]]
    assert str(REPO) not in installed["path"]
    assert installed["license"] == (REPO / "LICENSE").read_text()
    assert installed["expression"] == "Apache-2.0"
    assert (image.venv / "bin" / "platform-assets").exists()
    assert (image.venv / "bin" / "platform-dbt").exists()


#: What the code server does at start-up (load and validate the definitions), and where the
#: loaded location found its dbt manifest.
LOAD_CODE_LOCATION = """
import json
import dagster as dg
from platform_assets.definitions import defs
from platform_assets.integrations.dbt.project import dbt_project
dg.Definitions.validate_loadable(defs)
keys = defs.resolve_asset_graph().get_all_asset_keys()
print(json.dumps({"manifest": str(dbt_project.manifest_path), "assets": len(keys)}))
"""


@pytest.mark.postgres
def test_the_code_location_loads_from_the_image_layout(image: Image, postgres_url: str) -> None:
    described = image.run(
        image.python,
        "-c",
        LOAD_CODE_LOCATION,
        extra_env={**DEPLOYMENT_ENV, "PLATFORM_POSTGRES_URL": postgres_url},
    )
    location = json.loads(described.splitlines()[-1])
    assert Path(location["manifest"]) == Path(
        image.env["PLATFORM_DBT_PROJECT_DIR"], "target", "manifest.json"
    )
    assert location["assets"] > 50


@pytest.mark.postgres
@pytest.mark.parametrize(
    "environment",
    [
        "dev",
        "prod",
    ],
)
def test_the_audit_passes_in_the_image(image: Image, postgres_url: str, environment: str) -> None:
    report = image.run(
        "platform-assets", "audit",
        "--project-root", image.workdir, "--tests-dir", image.workdir / "tests",
        extra_env={
            **DEPLOYMENT_ENV, "PLATFORM_ENV": environment, "PLATFORM_POSTGRES_URL": postgres_url
        },
    )  # fmt: skip
    assert "compliant" in report.splitlines()[-1]


#: The configuration files the platform reads at run time, which the image names through
#: its environment: one process prints the missing ones.
MISSING_CONFIGURATION = """
from platform_assets.settings import alert_routes_path, environments_file, waivers_path
paths = [environments_file(), alert_routes_path(), waivers_path()]
print([str(path) for path in paths if not path.is_file()])
"""

#: Read from ``PROJECT_ROOT``: in an installed wheel the package's parent directory is
#: site-packages, so the image names the project root (PLATFORM_PROJECT_ROOT).
FOUND_BESIDE_THE_PACKAGE = {
    "customer country codes seed": "from platform_assets.domains.customer.country_codes "
    "import country_codes\nassert country_codes()",
    "customer postal areas seed": "from platform_assets.domains.customer.postal_areas "
    "import load_postal_areas\nassert load_postal_areas()",
    "runbooks and test evidence for the stage scorecard": "from platform_assets.settings "
    "import PROJECT_ROOT as root\nassert (root / 'docs' / 'runbooks').is_dir(), root\n"
    "assert (root / 'tests').is_dir(), root",
}


def test_the_image_finds_its_configuration_through_its_environment(image: Image) -> None:
    missing = image.run(image.python, "-c", MISSING_CONFIGURATION, extra_env=DEPLOYMENT_ENV)
    assert missing.splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "probe", FOUND_BESIDE_THE_PACKAGE.values(), ids=list(FOUND_BESIDE_THE_PACKAGE)
)
def test_the_image_finds_the_files_read_beside_the_package(image: Image, probe: str) -> None:
    image.run(image.python, "-c", probe, extra_env=DEPLOYMENT_ENV)
