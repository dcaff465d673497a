"""Model ids that take no prompt for a model to answer: embedding, reranking, moderation, speech and image or video
generation. Requests to them are skipped (``model_without_prompt``), never classified: whatever text they carry is
a document to embed, a query to rank or a picture to draw, and a RAG pipeline's thousands of chunks a day would
otherwise read as one account's prompts."""

from __future__ import annotations

import re

from distillguard.formats.errors import RecordSkipped

# Families by the words of their ids: Titan, Cohere and OpenAI embeddings, rerank models, OpenAI moderation, speech
# (Whisper, *-transcribe, *-tts), OpenAI, Titan, Nova Canvas/Reel and Stability images and video, TwelveLabs Marengo.
_WITHOUT_PROMPT = re.compile(
    r"embed|rerank|moderation|whisper|transcribe|(?:^|[-.:/])tts(?:[-.:]|$)|dall-e|gpt-image|image-generator"
    r"|titan-image|nova-canvas|nova-reel|stability\.|marengo",
    re.IGNORECASE,
)


def takes_no_prompt(model: str | None) -> bool:
    return model is not None and _WITHOUT_PROMPT.search(model) is not None


def skip_model_without_prompt(model: str | None) -> None:
    """Raises ``RecordSkipped`` for a request to a model that takes no prompt."""
    if model is not None and takes_no_prompt(model):
        raise RecordSkipped("model_without_prompt", f"{model[:80]} embeds, ranks, moderates, speaks or draws")
