"""Whether a torch device named in the settings (`device`, `MTQA_DEVICE`) can be used here."""

from __future__ import annotations

from functools import cache

from mtqa.core.errors import ConfigError


@cache
def require_device(device: str) -> None:
    """Raise ConfigError, on one line, unless a tensor can be put on `device` ("cpu",
    "cuda", "cuda:1", "mps", ...). Torch says so with an AssertionError ("Torch not compiled
    with CUDA enabled") or a RuntimeError, which would otherwise end the run in a traceback."""
    import torch

    try:
        torch.empty(1, device=torch.device(device))
    except Exception as error:  # noqa: BLE001 - torch raises AssertionError, RuntimeError, ValueError...
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        available = "cpu" + (", cuda" if torch.cuda.is_available() else "")
        raise ConfigError(f"device {device!r} cannot be used on this machine ({reason}); "
                          f"available: {available}") from None
