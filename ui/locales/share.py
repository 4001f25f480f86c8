"""UI text of shareable links and presentation mode."""

TEXT: dict[str, dict[str, str]] = {
    "share.fallback": {
        "en": "Some values in the link were not used: {problems}",
        "id": "Beberapa nilai dalam tautan tidak dipakai: {problems}",
        "pl": "Niektóre wartości z linku pominięto: {problems}",
    },
    "share.present": {
        "en": "Presentation mode",
        "id": "Mode presentasi",
        "pl": "Tryb prezentacji",
    },
    "share.present_help": {
        "en": "Hide the sidebar and controls, enlarge text and charts, and show one section "
        "at a time. The link (?present=1&section=k) opens the same slide.",
        "id": "Sembunyikan sidebar dan kontrol, perbesar teks dan grafik, tampilkan satu bagian "
        "setiap kali. Tautan (?present=1&section=k) membuka slide yang sama.",
        "pl": "Ukryj pasek boczny i kontrolki, powiększ tekst i wykresy, pokazuj jedną sekcję "
        "naraz. Link (?present=1&section=k) otwiera ten sam slajd.",
    },
    "share.previous": {"en": "Previous", "id": "Sebelumnya", "pl": "Poprzedni"},
    "share.next": {"en": "Next", "id": "Berikutnya", "pl": "Następny"},
    "share.overview": {"en": "Overview", "id": "Ringkasan", "pl": "Przegląd"},
}
