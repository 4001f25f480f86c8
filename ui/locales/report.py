"""UI text of the Report page."""

TEXT: dict[str, dict[str, str]] = {
    "nav.report": {"en": "Report", "id": "Laporan", "pl": "Raport"},
    "nav.section.Share": {"en": "Share", "id": "Bagikan", "pl": "Udostępnij"},
    "report.title": {"en": "Report", "id": "Laporan", "pl": "Raport"},
    "report.intro": {
        "en": "Pick the sections, check the preview, then download one self-contained HTML "
        "file (opens offline, nothing fetched) or a PowerPoint deck. The report follows the "
        "sidebar filters.",
        "id": "Pilih bagian, periksa pratinjau, lalu unduh satu file HTML mandiri (terbuka "
        "offline, tanpa unduhan) atau dek PowerPoint. Laporan mengikuti filter di sidebar.",
        "pl": "Wybierz sekcje, sprawdź podgląd i pobierz jeden samodzielny plik HTML (działa "
        "offline, niczego nie pobiera) albo prezentację PowerPoint. Raport uwzględnia filtry "
        "z paska bocznego.",
    },
    "report.sections": {"en": "Sections", "id": "Bagian", "pl": "Sekcje"},
    "report.section.journeys": {"en": "Journeys", "id": "Perjalanan", "pl": "Ścieżki"},
    "report.section.phases": {"en": "Phases", "id": "Fase", "pl": "Fazy"},
    "report.section.network": {"en": "Network map", "id": "Peta jaringan", "pl": "Mapa sieci"},
    "report.section.funnel": {
        "en": "Funnel & drop-off",
        "id": "Funnel & drop-off",
        "pl": "Lejek i odpływ",
    },
    "report.section.attribution": {"en": "Attribution", "id": "Atribusi", "pl": "Atrybucja"},
    "report.section.sentiment": {"en": "Sentiment", "id": "Sentimen", "pl": "Sentyment"},
    "report.section.next_best_action": {
        "en": "Next best action",
        "id": "Tindakan terbaik berikutnya",
        "pl": "Następne najlepsze działanie",
    },
    "report.nba_slow": {
        "en": "This view has {events} events: the next best action section is not selected, "
        "because training its model on this many takes longer (minutes). Add it under "
        "Sections if you want it.",
        "id": "Tampilan ini memiliki {events} peristiwa: bagian tindakan terbaik berikutnya tidak "
        "dipilih, karena melatih modelnya pada data sebanyak ini butuh lebih lama (beberapa "
        "menit). Tambahkan di Bagian jika Anda menginginkannya.",
        "pl": "Ten widok ma {events} zdarzeń: sekcja następnego najlepszego działania nie jest "
        "wybrana, bo trenowanie jej modelu na tylu danych trwa dłużej (minuty). Dodaj ją w "
        "Sekcjach, jeśli jej potrzebujesz.",
    },
    "report.nba_working": {
        "en": "Training the next best action model and deciding for every customer (the Next "
        "best action page's default settings)…",
        "id": "Melatih model tindakan terbaik berikutnya dan memutuskan untuk setiap pelanggan "
        "(pengaturan bawaan halaman Tindakan terbaik berikutnya)…",
        "pl": "Trenowanie modelu następnego najlepszego działania i decyzja dla każdego klienta "
        "(domyślne ustawienia strony Następne najlepsze działanie)…",
    },
    "report.no_transcripts": {
        "en": "No transcripts in this dataset: the sentiment section is left out.",
        "id": "Tidak ada transkrip di dataset ini: bagian sentimen tidak disertakan.",
        "pl": "Brak transkrypcji w tym zbiorze: sekcja sentymentu jest pominięta.",
    },
    "report.pick_sections": {
        "en": "Pick at least one section.",
        "id": "Pilih setidaknya satu bagian.",
        "pl": "Wybierz co najmniej jedną sekcję.",
    },
    "report.report_title": {"en": "Report title", "id": "Judul laporan", "pl": "Tytuł raportu"},
    "report.default_title": {
        "en": "Customer journey report",
        "id": "Laporan perjalanan pelanggan",
        "pl": "Raport ścieżek klientów",
    },
    "report.working": {
        "en": "Computing the report…",
        "id": "Menghitung laporan…",
        "pl": "Obliczanie raportu…",
    },
    "report.key_figures": {"en": "Key figures", "id": "Angka utama", "pl": "Kluczowe liczby"},
    "report.generated": {
        "en": "Dataset {dataset}, generated {generated}.",
        "id": "Dataset {dataset}, dibuat {generated}.",
        "pl": "Zbiór {dataset}, wygenerowano {generated}.",
    },
    "report.filters": {"en": "Filters", "id": "Filter", "pl": "Filtry"},
    "report.no_filters": {
        "en": "No filters: all data.",
        "id": "Tanpa filter: semua data.",
        "pl": "Bez filtrów: wszystkie dane.",
    },
    "report.network": {
        "en": "Network map (interactive in the HTML report)",
        "id": "Peta jaringan (interaktif di laporan HTML)",
        "pl": "Mapa sieci (interaktywna w raporcie HTML)",
    },
    "report.download_html": {
        "en": "Download the report (HTML)",
        "id": "Unduh laporan (HTML)",
        "pl": "Pobierz raport (HTML)",
    },
    "report.build_deck": {
        "en": "Prepare the deck (PPTX)",
        "id": "Siapkan dek (PPTX)",
        "pl": "Przygotuj prezentację (PPTX)",
    },
    "report.build_deck_help": {
        "en": "Renders every chart as an image with the server's Chromium; takes a little while.",
        "id": "Merender setiap grafik sebagai gambar dengan Chromium server; butuh sedikit waktu.",
        "pl": "Renderuje każdy wykres jako obraz w Chromium serwera; chwilę to trwa.",
    },
    "report.rendering": {
        "en": "Rendering chart images…",
        "id": "Merender gambar grafik…",
        "pl": "Renderowanie obrazów wykresów…",
    },
    "report.download_deck": {
        "en": "Download the deck (PPTX)",
        "id": "Unduh dek (PPTX)",
        "pl": "Pobierz prezentację (PPTX)",
    },
    "report.images_unavailable": {
        "en": "Chart images could not be rendered ({reason}); the deck shows tables or a note "
        "in their place.",
        "id": "Gambar grafik tidak dapat dirender ({reason}); dek menampilkan tabel atau "
        "catatan sebagai gantinya.",
        "pl": "Nie udało się wyrenderować obrazów wykresów ({reason}); w prezentacji są w ich "
        "miejscu tabele lub notka.",
    },
}
