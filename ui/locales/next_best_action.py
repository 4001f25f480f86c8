"""UI text of the Next best action page."""

TEXT: dict[str, dict[str, str]] = {
    "nav.next-best-action": {
        "en": "Next best action",
        "id": "Tindakan terbaik berikutnya",
        "pl": "Następne najlepsze działanie",
    },
    "nav.section.Act": {"en": "Act", "id": "Bertindak", "pl": "Działaj"},
    "nba.title": {
        "en": "Next best action",
        "id": "Tindakan terbaik berikutnya",
        "pl": "Następne najlepsze działanie",
    },
    "nba.intro": {
        "en": "Who to contact next, on which channel, and why. Candidates are ranked by their"
        " expected lift (model): the predicted chance of a conversion with the touch added now"
        " minus without it. It is an association learnt from history, not a measured causal"
        " effect. Rules run first, in order.",
        "id": "Siapa yang dihubungi berikutnya, lewat saluran apa, dan mengapa. Kandidat"
        " diurutkan menurut kenaikan yang diharapkan (model): peluang konversi jika sentuhan"
        " ditambahkan sekarang dikurangi tanpa sentuhan itu. Ini asosiasi yang dipelajari dari"
        " riwayat, bukan efek kausal yang diukur. Aturan dijalankan lebih dulu, berurutan.",
        "pl": "Z kim skontaktować się teraz, jakim kanałem i dlaczego. Kandydaci są uszeregowani"
        " według oczekiwanego wzrostu (model): przewidywana szansa konwersji z kontaktem dodanym"
        " teraz minus bez niego. To związek wyuczony z historii, a nie zmierzony efekt"
        " przyczynowy. Najpierw, po kolei, działają reguły.",
    },
    "nba.settings": {"en": "Settings", "id": "Pengaturan", "pl": "Ustawienia"},
    "nba.cutoff": {"en": "Decide as of", "id": "Putuskan per tanggal", "pl": "Decyzja na dzień"},
    "nba.horizon": {
        "en": "Horizon (days) of the conversion to predict",
        "id": "Cakrawala (hari) konversi yang diprediksi",
        "pl": "Horyzont (dni) przewidywanej konwersji",
    },
    "nba.kind": {"en": "Model", "id": "Model", "pl": "Model"},
    "nba.kind.gradient_boosting": {
        "en": "Gradient boosting",
        "id": "Gradient boosting",
        "pl": "Gradient boosting",
    },
    "nba.kind.logistic": {
        "en": "Logistic regression",
        "id": "Regresi logistik",
        "pl": "Regresja logistyczna",
    },
    "nba.sentiment": {
        "en": "Use transcript sentiment (last contact negative → service first)",
        "id": "Pakai sentimen transkrip (kontak terakhir negatif → layanan dulu)",
        "pl": "Użyj sentymentu rozmów (ostatni kontakt negatywny → najpierw obsługa)",
    },
    "nba.rules": {"en": "Rules, in order", "id": "Aturan, berurutan", "pl": "Reguły, po kolei"},
    "nba.caps": {
        "en": "Frequency caps (messages in 7 days)",
        "id": "Batas frekuensi (pesan dalam 7 hari)",
        "pl": "Limity częstotliwości (wiadomości w 7 dni)",
    },
    "nba.cap_any": {"en": "Any channel", "id": "Semua saluran", "pl": "Dowolny kanał"},
    "nba.cart_hours": {
        "en": "Open cart within (hours)",
        "id": "Keranjang terbuka dalam (jam)",
        "pl": "Otwarty koszyk w ciągu (godzin)",
    },
    "nba.win_back_days": {
        "en": "Win back after (days without a touch)",
        "id": "Ajak kembali setelah (hari tanpa sentuhan)",
        "pl": "Odzyskaj po (dniach bez kontaktu)",
    },
    "nba.actions": {
        "en": "Candidate actions (editable)",
        "id": "Tindakan kandidat (dapat diubah)",
        "pl": "Działania do wyboru (edytowalne)",
    },
    "nba.working": {
        "en": "Training the model and deciding…",
        "id": "Melatih model dan memutuskan…",
        "pl": "Trenuję model i decyduję…",
    },
    "nba.mix": {"en": "Actions and rules", "id": "Tindakan dan aturan", "pl": "Działania i reguły"},
    "nba.matrix": {
        "en": "Value × propensity",
        "id": "Nilai × kecenderungan",
        "pl": "Wartość × skłonność",
    },
    "nba.actions_shown": {
        "en": "Actions shown",
        "id": "Tindakan yang ditampilkan",
        "pl": "Pokazane działania",
    },
    "nba.quality": {"en": "Model quality", "id": "Kualitas model", "pl": "Jakość modelu"},
    "nba.quality_caption": {
        "en": "Trained at earlier cut-offs, scored at {date} (a time split, never a random one);"
        " {n_train:,} training and {n_test:,} test snapshots, {rate:.1%} converted.",
        "id": "Dilatih pada titik potong lebih awal, dinilai pada {date} (pembagian waktu, bukan"
        " acak); {n_train:,} snapshot latih dan {n_test:,} uji, {rate:.1%} berkonversi.",
        "pl": "Trenowany na wcześniejszych datach odcięcia, oceniany na {date} (podział w czasie,"
        " nigdy losowy); {n_train:,} migawek uczących i {n_test:,} testowych, {rate:.1%}"
        " konwersji.",
    },
    "nba.sample_caption": {
        "en": "Past {max_rows:,} training snapshots the model learns from a seeded sample of"
        " customers holding about {max_rows:,} (buyers and non-buyers sampled apart);"
        " permutation importance shuffles at most {importance_rows:,} test snapshots.",
        "id": "Di atas {max_rows:,} snapshot latih, model belajar dari sampel pelanggan"
        " ber-seed berisi sekitar {max_rows:,} (pembeli dan bukan pembeli disampel terpisah);"
        " kepentingan permutasi mengacak paling banyak {importance_rows:,} snapshot uji.",
        "pl": "Powyżej {max_rows:,} migawek uczących model uczy się na losowej (ze stałym"
        " ziarnem) próbie klientów liczącej około {max_rows:,} (kupujący i niekupujący"
        " losowani osobno); ważność permutacyjna miesza najwyżej {importance_rows:,}"
        " migawek testowych.",
    },
    "nba.auc": {"en": "ROC AUC", "id": "ROC AUC", "pl": "ROC AUC"},
    "nba.top_decile": {
        "en": "Precision, top 10%",
        "id": "Presisi, 10% teratas",
        "pl": "Precyzja, górne 10%",
    },
    "nba.vs_baseline": {
        "en": "{value:.3f} vs recency {baseline:.3f}",
        "id": "{value:.3f} vs kebaruan {baseline:.3f}",
        "pl": "{value:.3f} vs świeżość {baseline:.3f}",
    },
    "nba.calibration": {
        "en": "Calibration: observed vs predicted conversion",
        "id": "Kalibrasi: konversi teramati vs prediksi",
        "pl": "Kalibracja: obserwowana vs przewidywana konwersja",
    },
    "nba.importance": {
        "en": "Permutation importance (drop in ROC AUC)",
        "id": "Kepentingan permutasi (penurunan ROC AUC)",
        "pl": "Ważność permutacyjna (spadek ROC AUC)",
    },
    "nba.replay": {
        "en": "Orchestration replay",
        "id": "Putar ulang orkestrasi",
        "pl": "Odtworzenie orkiestracji",
    },
    "nba.replay_run": {
        "en": "Replay the last {days} days with these rules",
        "id": "Putar ulang {days} hari terakhir dengan aturan ini",
        "pl": "Odtwórz ostatnie {days} dni z tymi regułami",
    },
    "nba.replay_caption": {
        "en": "Each day uses only what was known that day. {messages:,} messages over {days}"
        " days; caps below show how many customers reached each one.",
        "id": "Setiap hari hanya memakai yang diketahui hari itu. {messages:,} pesan selama"
        " {days} hari; batas di bawah menunjukkan berapa pelanggan mencapainya.",
        "pl": "Każdy dzień używa tylko tego, co wtedy było wiadomo. {messages:,} wiadomości w"
        " {days} dni; poniżej, ilu klientów osiągnęło każdy limit.",
    },
    "nba.customers": {"en": "Customers", "id": "Pelanggan", "pl": "Klienci"},
    "nba.open_timeline": {
        "en": "Open the timeline of",
        "id": "Buka linimasa untuk",
        "pl": "Otwórz oś czasu klienta",
    },
    "nba.timeline_link": {
        "en": "Customer timeline →",
        "id": "Linimasa pelanggan →",
        "pl": "Oś czasu klienta →",
    },
}
