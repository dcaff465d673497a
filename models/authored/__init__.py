"""Training augmentation written for this project (see templates.py and MODEL_CARD.md)."""
