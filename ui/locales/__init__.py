"""UI text catalogues, one module per area; each defines TEXT."""
