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
    "share.svg": {"en": "SVG", "id": "SVG", "pl": "SVG"},
    "share.svg_help": {
        "en": "Download this chart as an SVG image (drawn on the server when you click; "
        "the camera in the chart's toolbar saves a PNG).",
        "id": "Unduh grafik ini sebagai gambar SVG (dibuat di server saat Anda klik; "
        "ikon kamera di toolbar grafik menyimpan PNG).",
        "pl": "Pobierz ten wykres jako obraz SVG (rysowany na serwerze po kliknięciu; "
        "aparat na pasku narzędzi wykresu zapisuje PNG).",
    },
    "share.svg_unavailable": {
        "en": "SVG download is off on this server: {reason}",
        "id": "Unduhan SVG tidak tersedia di server ini: {reason}",
        "pl": "Pobieranie SVG jest na tym serwerze wyłączone: {reason}",
    },
}
