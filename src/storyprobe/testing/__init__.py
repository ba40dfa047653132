"""Test utilities: a scripted OpenAI-compatible server on loopback."""

from storyprobe.testing.fake_openai import FakeOpenAIServer, FakeReply, tool_call

__all__ = ["FakeOpenAIServer", "FakeReply", "tool_call"]
