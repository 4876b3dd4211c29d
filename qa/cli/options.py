"""Options several commands share, and argument types; the parser imports this, so it stays light."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    return _whole(text, 1)


def non_negative_int(text: str) -> int:
    """An argparse type: a whole number >= 0."""
    return _whole(text, 0)


def _whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be >= {least}, got {value}")
    return value


def index_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", metavar="DIR", help="index folder (default: $POLICYQA_INDEX or ./index)")


def reranker_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reranker", metavar="NAME_OR_DIR",
                   help="reranker folder or name under models/, or 'none' (default: $POLICYQA_RERANKER or "
                        "the shipped policyqa-reranker)")


def model_option(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--model", metavar="NAME_OR_PATH",
                   help=f"sentence-transformers model {what} (default: $POLICYQA_MODEL or the bundled "
                        "all-MiniLM-L6-v2)")


def retriever_names() -> tuple[str, ...]:
    from qa.config import RETRIEVERS  # not qa.search.engine: `--help` imports no numpy

    return RETRIEVERS
