"""UI text of the frame, shared widgets and the Overview page."""

TEXT: dict[str, dict[str, str]] = {
    "state.no_dataset": {
        "en": "No dataset is loaded yet. Load the sample or upload your own on the Data page.",
        "id": "Belum ada dataset. Muat data contoh atau unggah data Anda di halaman Data.",
        "pl": "Nie wczytano jeszcze danych. Wczytaj przykład lub własny plik na stronie Dane.",
    },
    "nav.data": {"en": "Go to Data", "id": "Ke halaman Data", "pl": "Przejdź do Danych"},
    "frame.dataset": {"en": "Dataset", "id": "Dataset", "pl": "Zbiór danych"},
    "frame.dataset_help": {
        "en": "Datasets saved in the workspace. Upload and save new ones on the Data page.",
        "id": "Dataset yang tersimpan di workspace. Unggah dan simpan di halaman Data.",
        "pl": "Zbiory zapisane w obszarze roboczym. Nowe wczytasz na stronie Dane.",
    },
    "frame.loading_sample": {
        "en": "Loading the sample data…",
        "id": "Memuat data contoh…",
        "pl": "Wczytywanie danych przykładowych…",
    },
    "frame.preparing": {
        "en": "Preparing the dataset's journeys (once per data and settings)…",
        "id": "Menyiapkan perjalanan dataset (sekali per data dan pengaturan)…",
        "pl": "Przygotowanie ścieżek zbioru (raz dla danych i ustawień)…",
    },
    "frame.dataset_env_missing": {
        "en": "JOURNEY_DATASET names '{name}', which cannot be opened ({reason}); "
        "showing the sample data instead.",
        "id": "JOURNEY_DATASET menyebut '{name}', yang tidak dapat dibuka ({reason}); "
        "menampilkan data contoh.",
        "pl": "JOURNEY_DATASET wskazuje '{name}', którego nie można otworzyć ({reason}); "
        "pokazuję dane przykładowe.",
    },
    "frame.workspace_unavailable": {
        "en": "The workspace cannot be used ({reason}); working on the sample in memory.",
        "id": "Workspace tidak dapat dipakai ({reason}); memakai data contoh di memori.",
        "pl": "Obszar roboczy jest niedostępny ({reason}); praca na danych w pamięci.",
    },
    "frame.filters": {"en": "Filters", "id": "Filter", "pl": "Filtry"},
    "frame.date_range": {"en": "Date range", "id": "Rentang tanggal", "pl": "Zakres dat"},
    "frame.channels": {"en": "Channels", "id": "Saluran", "pl": "Kanały"},
    "frame.teams": {"en": "Teams", "id": "Tim", "pl": "Zespoły"},
    "frame.attribute": {
        "en": "Filter by attribute",
        "id": "Filter atribut",
        "pl": "Filtruj atrybut",
    },
    "frame.attribute_values": {
        "en": "Values of {column}",
        "id": "Nilai {column}",
        "pl": "Wartości {column}",
    },
    "frame.all": {"en": "All", "id": "Semua", "pl": "Wszystkie"},
    "widgets.scope": {
        "en": "{name}: {customers} customers · {events} events shown (of {all_customers} · {all_events})",
        "id": "{name}: {customers} pelanggan · {events} event ditampilkan (dari {all_customers} · {all_events})",
        "pl": "{name}: {customers} klientów · {events} zdarzeń (z {all_customers} · {all_events})",
    },
    "widgets.filters_on": {
        "en": "filters: {filters}",
        "id": "filter: {filters}",
        "pl": "filtry: {filters}",
    },
    "widgets.filter_to": {"en": "to", "id": "sampai", "pl": "do"},
    "widgets.filter_channels": {"en": "channels", "id": "kanal", "pl": "kanały"},
    "widgets.filter_teams": {"en": "teams", "id": "tim", "pl": "zespoły"},
    "widgets.download_csv": {"en": "Download CSV", "id": "Unduh CSV", "pl": "Pobierz CSV"},
    "widgets.download_html": {"en": "Download HTML", "id": "Unduh HTML", "pl": "Pobierz HTML"},
    "widgets.rows_read": {"en": "Rows read", "id": "Baris dibaca", "pl": "Wiersze wczytane"},
    "widgets.rows_accepted": {"en": "Accepted", "id": "Diterima", "pl": "Przyjęte"},
    "widgets.rows_rejected": {"en": "Rejected", "id": "Ditolak", "pl": "Odrzucone"},
    "widgets.duplicates": {"en": "Exact duplicates", "id": "Duplikat persis", "pl": "Duplikaty"},
    "widgets.duplicates_kept": {
        "en": "{n} rows are exact copies of an earlier row. They are kept and counted, not dropped.",
        "id": "{n} baris adalah salinan persis baris sebelumnya. Baris itu disimpan, tidak dibuang.",
        "pl": "{n} wierszy to dokładne kopie wcześniejszych. Zostają zachowane, nie usunięte.",
    },
    "widgets.no_rows": {
        "en": "{file} has a header but no data rows.",
        "id": "{file} hanya berisi header, tanpa baris data.",
        "pl": "{file} ma nagłówek, ale nie ma wierszy danych.",
    },
    "widgets.all_accepted": {
        "en": "Every row was accepted.",
        "id": "Semua baris diterima.",
        "pl": "Wszystkie wiersze przyjęto.",
    },
}
