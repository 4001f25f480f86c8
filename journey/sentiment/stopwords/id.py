"""Indonesian stop words, written for Journey Atlas (no negations: "tidak", "belum" stay).

Includes the chat spellings customers use ("sy", "sdh", "yg", "aja").
"""

from __future__ import annotations

from typing import Final

WORDS: Final = frozenset(
    [
        "saya", "sy", "aku", "gue", "gw", "kami", "kita", "anda", "kamu", "kau", "dia", "ia",
        "beliau", "mereka", "ini", "itu", "yang", "yg", "dan", "di", "ke", "dari", "untuk",
        "utk", "dengan", "dgn", "pada", "dalam", "oleh", "atau", "juga", "ada", "akan", "sudah",
        "sdh", "udah", "telah", "sedang", "bisa", "mau", "ya", "nya", "aja", "saja", "lagi",
        "karena", "krn", "jadi", "kalau", "kalo", "jika", "agar", "supaya", "bahwa", "sebagai",
        "para", "si", "sang", "pun", "lah", "kah", "tersebut", "hal", "apa", "siapa", "kapan",
        "mana", "bagaimana", "gimana", "sangat", "sekali", "banget", "amat", "tuh", "sih",
        "deh", "dong", "kok", "nih", "kan", "tadi", "nanti", "hanya", "cuma", "sama", "seperti",
        "atas", "bawah", "antara", "setelah", "sebelum", "sampai", "hingga", "lalu", "kemudian",
        "pak", "bu", "mas", "mbak", "kak",
    ]
)  # fmt: skip
