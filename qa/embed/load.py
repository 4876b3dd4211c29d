"""`load_embedder`: the embedder for a model name as an index manifest records it.

The one place that knows every implementation: a registered embedder (see `register_embedder`), a
query adapter over its base model (`qa.embed.adapter`), or a plain sentence-transformers model
(`qa.embed.sentence`).
"""

from __future__ import annotations

from collections.abc import Callable

from qa.config import DEFAULT_MODEL
from qa.embed.adapter import AdaptedEmbedder, AdapterError, QueryAdapter, adapter_folder
from qa.embed.base import Embedder, ModelLoadError
from qa.embed.sentence import SentenceEmbedder

# (model name, backend) -> embedder, for names that are no model on disk. Empty in the product; tests
# register a fake embedder here, so an index built with it (and every command that opens that index)
# embeds with the fake, through the same path as a real model, without patching a class.
EmbedderFactory = Callable[[str, "str | None"], Embedder]
_registered: dict[str, EmbedderFactory] = {}


def register_embedder(model: str, factory: EmbedderFactory) -> None:
    """Make `load_embedder(model, backend)` return `factory(model, backend)` (also as an adapter's base)."""
    _registered[model] = factory


def unregister_embedder(model: str) -> None:
    """Undo `register_embedder(model, ...)`; nothing happens when `model` is not registered."""
    _registered.pop(model, None)


def _plain(model: str, backend: str | None) -> Embedder:
    factory = _registered.get(model)
    return factory(model, backend) if factory is not None else SentenceEmbedder(model, backend=backend)


def load_embedder(model: str = DEFAULT_MODEL, backend: str | None = None) -> Embedder:
    """The embedder for a model name or path, as recorded in an index manifest, on `backend`.

    A shipped adapter's name (a folder of `models/`, such as "policyqa-minilm") or a path to a folder
    holding adapter.json gives an `AdaptedEmbedder` over its base model, whose `model_id` is `model`;
    anything else is a plain sentence-transformers model. Raises ModelLoadError (one line).
    """
    folder = adapter_folder(model)
    if folder is None:
        return _plain(model, backend)
    try:
        adapter = QueryAdapter.load(folder)
        if adapter_folder(adapter.base_model) is not None:
            raise AdapterError(f"adapter '{model}' names another adapter, '{adapter.base_model}', as its base")
        return AdaptedEmbedder(_plain(adapter.base_model, backend), adapter, model_id=model)
    except AdapterError as err:
        raise ModelLoadError(f"cannot load embedding model '{model}': {err}") from err
