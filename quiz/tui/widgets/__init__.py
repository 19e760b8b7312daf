"""Small widgets shared by the screens: literal text, the top bar, choice lists, bar charts."""
