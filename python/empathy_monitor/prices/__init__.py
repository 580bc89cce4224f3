"""Prices: the list-price book (genai-prices + the user's prices.yaml) and cost sources."""
