"""Word wrapping as kubectl does it (github.com/mitchellh/go-wordwrap 1.0.1, kubectl's term.NewWordWrapWriter).

The rules, which `kubectl explain` output depends on to the character:

- Lines break only at white space; a word longer than the limit is left
  whole, sticking out past it.
- A break happens as soon as the word being read would end past the
  limit: the spaces before it are dropped and it starts the next line.
- A newline in the text always ends the line; spaces just before it are
  kept if they fit, dropped if they do not.
- Widths count characters; a no-break space (U+00A0) is part of a word.
"""

from __future__ import annotations

NBSP = "\u00a0"
GO_SPACES = "\t\n\v\f\r \u0085"  # unicode.IsSpace's Latin-1 spaces; NBSP is handled apart


def is_space(char: str) -> bool:
    """Go's unicode.IsSpace, without the no-break space."""
    if char == NBSP:
        return False
    return char in GO_SPACES or (ord(char) > 0xFF and char.isspace())


def wrap(text: str, limit: int) -> str:
    """`text` with newlines put in so that lines stay within `limit` characters where the words allow."""
    out: list[str] = []
    current = 0  # characters on the output's last line
    word, spaces = "", ""  # read but not yet written
    for char in text:
        if char == "\n":
            if not word:
                if current + len(spaces) <= limit:
                    out.append(spaces)
            else:
                out.append(spaces + word)
            out.append("\n")
            current, word, spaces = 0, "", ""
        elif is_space(char):
            if not spaces or word:  # a word ends: write it, with the spaces before it
                current += len(spaces) + len(word)
                out.append(spaces + word)
                word, spaces = "", ""
            spaces += char
        else:
            word += char
            if current + len(spaces) + len(word) > limit and len(word) < limit:
                out.append("\n")  # the word goes on the next line; the spaces before it go
                current, spaces = 0, ""
    if not word:
        if current + len(spaces) <= limit:
            out.append(spaces)
    else:
        out.append(spaces + word)
    return "".join(out)


def indent(text: str, amount: int) -> str:
    """Every line of `text` (the first, and each after a newline) behind `amount` spaces, as kubectl's
    template function `indent` does: a trailing newline leaves an indented empty line."""
    pad = " " * amount
    return pad + text.replace("\n", "\n" + pad)
