"""Web pages of ``storyline serve``: templates, static files and the view helpers behind them."""
