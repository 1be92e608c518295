"""Scorers, one dimension each, behind the `Scorer` interface of `mtqa.core.components`.

Each module declares its component's spec beside its code; `registry` lists them (and loads
plugins), and a spec builds its scorer on demand, so that `mtqa --help` does not pay for torch.
"""
