"""UI text of the Data page."""

TEXT: dict[str, dict[str, str]] = {
    "data.title": {"en": "Data", "id": "Data", "pl": "Dane"},
    "data.intro": {
        "en": "Upload touchpoint events (and optionally call/chat transcripts), check the column mapping, see every rejected row, then use or save the dataset.",
        "id": "Unggah event titik sentuh (dan transkrip panggilan/chat bila ada), periksa pemetaan kolom, lihat setiap baris yang ditolak, lalu pakai atau simpan dataset.",
        "pl": "Wczytaj zdarzenia punktów styku (opcjonalnie transkrypcje rozmów/czatów), sprawdź mapowanie kolumn i odrzucone wiersze, a potem użyj lub zapisz zbiór.",
    },
    "data.tab_upload": {"en": "Upload", "id": "Unggah", "pl": "Wczytaj"},
    "data.tab_workspace": {"en": "Workspace", "id": "Workspace", "pl": "Obszar roboczy"},
    "data.settings": {
        "en": "Reading settings",
        "id": "Pengaturan baca",
        "pl": "Ustawienia odczytu",
    },
    "data.timezone": {
        "en": "Time zone of naive timestamps",
        "id": "Zona waktu stempel tanpa zona",
        "pl": "Strefa czasowa dat bez strefy",
    },
    "data.timezone_help": {
        "en": "Timestamps with an offset (…+07:00, …Z) keep it; the others are read in this zone.",
        "id": "Stempel waktu dengan offset tetap memakainya; yang lain dibaca dalam zona ini.",
        "pl": "Daty z przesunięciem (…+01:00, …Z) je zachowują; pozostałe czytane są w tej strefie.",
    },
    "data.day_first": {
        "en": "Dates like 03/04",
        "id": "Tanggal seperti 03/04",
        "pl": "Daty typu 03/04",
    },
    "data.day_first_auto": {"en": "detect", "id": "deteksi", "pl": "wykryj"},
    "data.day_first_day": {"en": "day first", "id": "hari dulu", "pl": "dzień najpierw"},
    "data.day_first_month": {"en": "month first", "id": "bulan dulu", "pl": "miesiąc najpierw"},
    "data.conversion_events": {
        "en": "Conversion event types",
        "id": "Jenis event konversi",
        "pl": "Typy zdarzeń konwersji",
    },
    "data.conversion_events_help": {
        "en": "Used when the file has no conversion column: events of these types count as conversions.",
        "id": "Dipakai bila tidak ada kolom konversi: event jenis ini dihitung sebagai konversi.",
        "pl": "Gdy plik nie ma kolumny konwersji: zdarzenia tych typów liczą się jako konwersje.",
    },
    "data.events_file": {
        "en": "Events file (CSV, TSV, Excel, Parquet, JSON, JSON Lines; or .gz/.bz2/.xz/.zip)",
        "id": "Berkas event (CSV, TSV, Excel, Parquet, JSON, JSON Lines; atau .gz/.bz2/.xz/.zip)",
        "pl": "Plik zdarzeń (CSV, TSV, Excel, Parquet, JSON, JSON Lines; lub .gz/.bz2/.xz/.zip)",
    },
    "data.sheet": {
        "en": "Sheet to read (the workbook has several)",
        "id": "Lembar yang dibaca (buku kerja punya beberapa)",
        "pl": "Arkusz do wczytania (skoroszyt ma ich kilka)",
    },
    "data.transcripts_file": {
        "en": "Transcripts file (optional)",
        "id": "Berkas transkrip (opsional)",
        "pl": "Plik transkrypcji (opcjonalnie)",
    },
    "data.big_file": {
        "en": "A big file ({mb} MB): DuckDB validates it from disk; the preview shows its first rows.",
        "id": "Berkas besar ({mb} MB): DuckDB memvalidasinya dari disk; pratinjau menampilkan baris pertama.",
        "pl": "Duży plik ({mb} MB): DuckDB sprawdza go z dysku; podgląd pokazuje pierwsze wiersze.",
    },
    "data.big_validating": {
        "en": "Validating every row…",
        "id": "Memvalidasi setiap baris…",
        "pl": "Sprawdzanie wszystkich wierszy…",
    },
    "data.big_engine": {
        "en": "Validated by DuckDB's reader, with the same rules and reasons as smaller files.",
        "id": "Divalidasi oleh pembaca DuckDB, dengan aturan dan alasan yang sama seperti berkas kecil.",
        "pl": "Sprawdzone czytnikiem DuckDB, z tymi samymi regułami i powodami co mniejsze pliki.",
    },
    "data.big_rejects_shown": {
        "en": "The first {n} rejects are shown; the download holds them all.",
        "id": "{n} penolakan pertama ditampilkan; unduhan memuat semuanya.",
        "pl": "Pokazano pierwsze {n} odrzuceń; plik do pobrania zawiera wszystkie.",
    },
    "data.size_limit": {
        "en": "Files up to {mb} MB are read (the JOURNEY_MAX_UPLOAD_MB environment variable changes the limit).",
        "id": "Berkas hingga {mb} MB dibaca (variabel lingkungan JOURNEY_MAX_UPLOAD_MB mengubah batasnya).",
        "pl": "Wczytywane są pliki do {mb} MB (zmienna środowiskowa JOURNEY_MAX_UPLOAD_MB zmienia limit).",
    },
    "data.upload_hint": {
        "en": "Upload an events file to start. The app is showing the dataset chosen in the sidebar meanwhile.",
        "id": "Unggah berkas event untuk mulai. Sementara itu aplikasi menampilkan dataset yang dipilih di sidebar.",
        "pl": "Wczytaj plik zdarzeń, aby zacząć. Do tego czasu aplikacja pokazuje zbiór wybrany w panelu bocznym.",
    },
    "data.detected": {
        "en": "{file}: {details}; {rows} rows, {columns} columns.",
        "id": "{file}: {details}; {rows} baris, {columns} kolom.",
        "pl": "{file}: {details}; {rows} wierszy, {columns} kolumn.",
    },
    "data.delimiter": {
        "en": "delimiter {delimiter}",
        "id": "pemisah {delimiter}",
        "pl": "separator {delimiter}",
    },
    "data.preview": {
        "en": "Preview (first 20 rows)",
        "id": "Pratinjau (20 baris pertama)",
        "pl": "Podgląd (20 pierwszych wierszy)",
    },
    "data.identity": {
        "en": "Identifier columns to stitch into one customer (optional)",
        "id": "Kolom pengenal untuk digabung menjadi satu pelanggan (opsional)",
        "pl": "Kolumny identyfikatorów do połączenia w jednego klienta (opcjonalnie)",
    },
    "data.identity_help": {
        "en": "Rows sharing any identifier (email, device, CRM id, phone) belong to one person.",
        "id": "Baris yang berbagi pengenal apa pun (email, perangkat, CRM, telepon) milik satu orang.",
        "pl": "Wiersze dzielące dowolny identyfikator (e-mail, urządzenie, CRM, telefon) to jedna osoba.",
    },
    "data.identity_report": {
        "en": "{ids} identifiers merged into {customers} customers ({merged} customers combine several identifiers).",
        "id": "{ids} pengenal digabung menjadi {customers} pelanggan ({merged} pelanggan menggabungkan beberapa pengenal).",
        "pl": "{ids} identyfikatorów połączono w {customers} klientów ({merged} łączy kilka identyfikatorów).",
    },
    "data.mapping_events": {
        "en": "Column mapping: events",
        "id": "Pemetaan kolom: event",
        "pl": "Mapowanie kolumn: zdarzenia",
    },
    "data.mapping_transcripts": {
        "en": "Column mapping: transcripts",
        "id": "Pemetaan kolom: transkrip",
        "pl": "Mapowanie kolumn: transkrypcje",
    },
    "data.conversions_from_revenue": {
        "en": "No conversion column, and no event has one of the conversion event types above: rows with revenue above 0 count as conversions.",
        "id": "Tidak ada kolom konversi, dan tidak ada event dengan jenis event konversi di atas: baris dengan pendapatan di atas 0 dihitung sebagai konversi.",
        "pl": "Brak kolumny konwersji i żadne zdarzenie nie ma typu konwersji podanego wyżej: wiersze z przychodem powyżej 0 liczą się jako konwersje.",
    },
    "data.no_conversions": {
        "en": "Nothing marks conversions: map a conversion, event type or revenue column, or list the file's conversion event types above.",
        "id": "Tidak ada yang menandai konversi: petakan kolom konversi, jenis event atau pendapatan, atau isi jenis event konversi berkas di atas.",
        "pl": "Nic nie oznacza konwersji: zmapuj kolumnę konwersji, typu zdarzenia lub przychodu albo podaj wyżej typy zdarzeń konwersji z pliku.",
    },
    "data.report_events": {
        "en": "Validation: events",
        "id": "Validasi: event",
        "pl": "Walidacja: zdarzenia",
    },
    "data.report_transcripts": {
        "en": "Validation: transcripts",
        "id": "Validasi: transkrip",
        "pl": "Walidacja: transkrypcje",
    },
    "data.nothing_accepted": {
        "en": "{file}: no row was accepted, so there is nothing to use. Check the mapping and the rejects above.",
        "id": "{file}: tidak ada baris yang diterima. Periksa pemetaan dan penolakan di atas.",
        "pl": "{file}: nie przyjęto żadnego wiersza. Sprawdź mapowanie i odrzucenia powyżej.",
    },
    "data.use": {"en": "Use the dataset", "id": "Pakai dataset", "pl": "Użyj zbioru"},
    "data.name": {"en": "Dataset name", "id": "Nama dataset", "pl": "Nazwa zbioru"},
    "data.use_button": {"en": "Use now", "id": "Pakai sekarang", "pl": "Użyj teraz"},
    "data.save_button": {
        "en": "Save to workspace",
        "id": "Simpan ke workspace",
        "pl": "Zapisz w obszarze roboczym",
    },
    "data.overwrite": {
        "en": "Replace a saved dataset of that name",
        "id": "Timpa dataset bernama sama",
        "pl": "Zastąp zbiór o tej nazwie",
    },
    "data.now_using": {
        "en": "Now showing {name}.",
        "id": "Sekarang menampilkan {name}.",
        "pl": "Wyświetlany zbiór: {name}.",
    },
    "data.saved": {
        "en": "Saved {name} in the workspace.",
        "id": "{name} tersimpan di workspace.",
        "pl": "Zapisano {name}.",
    },
    "data.workspace_at": {
        "en": "Workspace file: {path}",
        "id": "Berkas workspace: {path}",
        "pl": "Plik obszaru roboczego: {path}",
    },
    "data.workspace_empty": {
        "en": "No dataset is saved yet.",
        "id": "Belum ada dataset tersimpan.",
        "pl": "Brak zapisanych zbiorów.",
    },
    "data.col_name": {"en": "Name", "id": "Nama", "pl": "Nazwa"},
    "data.col_customers": {"en": "Customers", "id": "Pelanggan", "pl": "Klienci"},
    "data.col_events": {"en": "Events", "id": "Event", "pl": "Zdarzenia"},
    "data.col_transcripts": {"en": "Transcripts", "id": "Transkrip", "pl": "Transkrypcje"},
    "data.col_updated": {"en": "Updated", "id": "Diperbarui", "pl": "Zmieniono"},
    "data.ws_pick": {"en": "Dataset", "id": "Dataset", "pl": "Zbiór"},
    "data.ws_load": {"en": "Load", "id": "Muat", "pl": "Wczytaj"},
    "data.ws_new_name": {"en": "New name", "id": "Nama baru", "pl": "Nowa nazwa"},
    "data.ws_rename": {"en": "Rename", "id": "Ganti nama", "pl": "Zmień nazwę"},
    "data.ws_confirm_delete": {
        "en": "Yes, delete {name}",
        "id": "Ya, hapus {name}",
        "pl": "Tak, usuń {name}",
    },
    "data.ws_delete": {"en": "Delete", "id": "Hapus", "pl": "Usuń"},
    "data.renamed": {
        "en": "Renamed to {name}.",
        "id": "Nama diganti menjadi {name}.",
        "pl": "Zmieniono nazwę na {name}.",
    },
    "data.deleted": {"en": "Deleted {name}.", "id": "{name} dihapus.", "pl": "Usunięto {name}."},
}
