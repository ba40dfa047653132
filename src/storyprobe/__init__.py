"""storyprobe: measure whether AI agents act out self-preservation stories."""

from storyprobe.behaviours import BEHAVIOUR_IDS, Behaviour, all_behaviours, get_behaviour

__version__ = "0.1.0"

__all__ = ["BEHAVIOUR_IDS", "Behaviour", "__version__", "all_behaviours", "get_behaviour"]
