"""The agents' token conventions, in one place for their log decoders and the OTLP receiver.

The same request can reach us through an agent's log and through its OTel events (issue 16, "one
request, counted once"); both paths must turn it into the same columns and the same id, so the
rules live here and both import them. Every result is in the call columns' convention: ``tin`` is
the *uncached* input, ``cr`` the cache reads, ``cw`` the cache writes, ``tout`` all billed output.

* Anthropic (Claude Code transcripts and ``claude_code.api_request``): ``input_tokens`` already
  excludes cache reads and writes — taken as they are (no function needed).
* OpenAI (Codex ``token_count`` and ``codex.sse_event``): the input *includes* the cached input, and
  the output *includes* the reasoning tokens (``reasoning_output_tokens`` /
  ``reasoning_token_count`` is a breakdown, never added again).
* Gemini (``gemini_cli.api_response``): the prompt count includes the cached content; thoughts are
  billed as output but counted apart, so they are added.
* OpenTelemetry GenAI spans (Copilot, apps): ``gen_ai.usage.input_tokens`` is the whole input,
  *including* ``gen_ai.usage.cache_read.input_tokens`` and
  ``gen_ai.usage.cache_creation.input_tokens`` (the semantic conventions: "SHOULD include all types
  of input tokens, including cached tokens"), so both are taken out of it.

Counts that do not add up (more cached than input) are clamped, never negative.
"""

from __future__ import annotations


def openai_usage(input_tokens: int, cached: int, output_tokens: int) -> tuple[int, int, int]:
    """(uncached input, cache read, output) of an OpenAI-convention count."""
    cr = min(max(0, cached), max(0, input_tokens))
    return max(0, input_tokens) - cr, cr, max(0, output_tokens)


def gemini_usage(
    input_tokens: int, cached: int, output_tokens: int, thoughts: int
) -> tuple[int, int, int]:
    """(uncached input, cache read, output incl. thoughts) of a Gemini count."""
    tin, cr, tout = openai_usage(input_tokens, cached, output_tokens)
    return tin, cr, tout + max(0, thoughts)


def genai_usage(input_tokens: int, cache_read: int, cache_write: int) -> tuple[int, int, int]:
    """(uncached input, cache read, cache write) of a GenAI span's ``gen_ai.usage.*``."""
    whole = max(0, input_tokens)
    cr = min(max(0, cache_read), whole)
    cw = min(max(0, cache_write), whole - cr)
    return whole - cr - cw, cr, cw


def gemini_request_id(
    response_id: str | None, session: str | None, timestamp: str, model: str | None
) -> str:
    """A Gemini CLI response's id: its ``response_id``, else session + event time + model.

    Never ``prompt_id`` alone: one prompt makes several API calls (tool turns, retries), and an
    id they share would count them as one.
    """
    if response_id:
        return response_id
    return f"{session or ''}:{timestamp}:{model or ''}"


def codex_request_id(
    session: str | None, input_tokens: int, cached: int, output_tokens: int
) -> str:
    """A Codex response's match key: its session and its usage, which both paths carry.

    Codex writes no response id, neither in its session log's ``token_count`` nor in its OTel
    ``codex.sse_event`` (``response.completed``), and their times differ by the write delay; what
    both carry exactly is the session (``session_meta.id`` = ``conversation.id``) and the
    response's usage (input, cached input, output — OpenAI's raw counts). Within a session the
    input grows with the context, so two responses with all three equal are rare; the log decoder
    numbers a repeat (``#2``), so its path still counts both.
    """
    return f"{session or ''}:{input_tokens}:{cached}:{output_tokens}"


# Copilot serves several vendors' models under one seat; its spans often name no provider.
_FAMILIES = (
    (("gpt-", "o1", "o3", "o4", "codex"), "openai"),
    (("claude",), "anthropic"),
    (("gemini",), "google"),
)
COPILOT_PROVIDER = "github-copilot"


def copilot_provider(provider: str | None, model: str | None) -> str:
    """A Copilot call's provider: the span's, else the vendor its model's name says (so the price
    book can list-price it), else ``github-copilot``."""
    if provider:
        return provider
    m = (model or "").lower()
    for prefixes, vendor in _FAMILIES:
        if m.startswith(prefixes):
            return vendor
    return COPILOT_PROVIDER
