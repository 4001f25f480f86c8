"""UI text of the Attribution and Channel metrics pages."""

TEXT: dict[str, dict[str, str]] = {
    # -- attribution page ------------------------------------------------------------------
    "attribution.title": {"en": "Attribution", "id": "Atribusi", "pl": "Atrybucja"},
    "attribution.intro": {
        "en": "Which channels earn the sales? Every model tells a different story, so they "
        "stand side by side, each with what it assumes and how sure it is.",
        "id": "Saluran mana yang menghasilkan penjualan? Setiap model bercerita berbeda, jadi "
        "semuanya ditampilkan berdampingan, lengkap dengan asumsi dan tingkat keyakinannya.",
        "pl": "Które kanały zarabiają na sprzedaży? Każdy model opowiada inną historię, więc "
        "stoją obok siebie, z założeniami i pewnością wyniku.",
    },
    "attribution.settings": {"en": "Settings", "id": "Pengaturan", "pl": "Ustawienia"},
    "attribution.models": {"en": "Models", "id": "Model", "pl": "Modele"},
    "attribution.pick_models": {
        "en": "Pick at least one model.",
        "id": "Pilih setidaknya satu model.",
        "pl": "Wybierz co najmniej jeden model.",
    },
    "attribution.level": {"en": "Credit", "id": "Kredit untuk", "pl": "Przypisz do"},
    "attribution.level.channel": {"en": "Channel", "id": "Saluran", "pl": "Kanał"},
    "attribution.level.touchpoint": {"en": "Touchpoint", "id": "Titik sentuh", "pl": "Punkt styku"},
    "attribution.level.campaign": {"en": "Campaign", "id": "Kampanye", "pl": "Kampania"},
    "attribution.window": {
        "en": "Lookback window (days)",
        "id": "Jendela lookback (hari)",
        "pl": "Okno wsteczne (dni)",
    },
    "attribution.window_help": {
        "en": "Touches this many days before a conversion count toward it. 0 = no limit.",
        "id": "Sentuhan sebanyak ini hari sebelum konversi ikut dihitung. 0 = tanpa batas.",
        "pl": "Kontakty z tylu dni przed konwersją się liczą. 0 = bez limitu.",
    },
    "attribution.exclude_channels": {
        "en": "Leave channels out of paths",
        "id": "Keluarkan saluran dari jalur",
        "pl": "Pomiń kanały w ścieżkach",
    },
    "attribution.exclude_event_types": {
        "en": "Leave event types out of paths",
        "id": "Keluarkan jenis event dari jalur",
        "pl": "Pomiń typy zdarzeń w ścieżkach",
    },
    "attribution.exclude_help": {
        "en": "Conversions are never lost: a path ends at its last remaining touch, or "
        "'(none)' when nothing is left.",
        "id": "Konversi tidak pernah hilang: jalur berakhir di sentuhan terakhir yang tersisa, "
        "atau '(none)' bila tidak ada yang tersisa.",
        "pl": "Konwersje nigdy nie giną: ścieżka kończy się na ostatnim pozostałym kontakcie "
        "albo na '(none)', gdy nic nie zostało.",
    },
    "attribution.half_life": {
        "en": "Time decay half-life (days)",
        "id": "Waktu paruh time decay (hari)",
        "pl": "Okres półtrwania (dni)",
    },
    "attribution.position_first": {
        "en": "Position: first touch %",
        "id": "Posisi: sentuhan pertama %",
        "pl": "Pozycja: pierwszy kontakt %",
    },
    "attribution.position_last": {
        "en": "Position: last touch %",
        "id": "Posisi: sentuhan terakhir %",
        "pl": "Pozycja: ostatni kontakt %",
    },
    "attribution.position_too_much": {
        "en": "First and last touch together cannot take more than 100%.",
        "id": "Sentuhan pertama dan terakhir bersama tidak boleh lebih dari 100%.",
        "pl": "Pierwszy i ostatni kontakt razem nie mogą przekroczyć 100%.",
    },
    "attribution.markov_order": {
        "en": "Markov order",
        "id": "Orde Markov",
        "pl": "Rząd łańcucha Markowa",
    },
    "attribution.bootstrap": {
        "en": "Confidence intervals",
        "id": "Interval kepercayaan",
        "pl": "Przedziały ufności",
    },
    "attribution.bootstrap_help": {
        "en": "Resample customers 200 times and show the 95% range of every share.",
        "id": "Ambil ulang pelanggan 200 kali dan tampilkan rentang 95% setiap pangsa.",
        "pl": "Losuj klientów 200 razy i pokaż 95% zakres każdego udziału.",
    },
    "attribution.show": {"en": "Show", "id": "Tampilkan", "pl": "Pokaż"},
    "attribution.value.share": {"en": "Share", "id": "Pangsa", "pl": "Udział"},
    "attribution.value.conversions": {"en": "Conversions", "id": "Konversi", "pl": "Konwersje"},
    "attribution.value.revenue": {"en": "Revenue", "id": "Pendapatan", "pl": "Przychód"},
    "attribution.threshold": {
        "en": "Flag differences above (points of share)",
        "id": "Tandai selisih di atas (poin pangsa)",
        "pl": "Oznacz różnice powyżej (pkt udziału)",
    },
    "attribution.working": {
        "en": "Crediting conversions…",
        "id": "Menghitung atribusi…",
        "pl": "Liczenie atrybucji…",
    },
    "attribution.bootstrapping": {
        "en": "Resampling customers…",
        "id": "Mengambil ulang pelanggan…",
        "pl": "Losowanie klientów…",
    },
    "attribution.no_conversions": {
        "en": "No conversions in the current scope: there is nothing to credit.",
        "id": "Tidak ada konversi dalam cakupan ini: tidak ada yang bisa diatribusikan.",
        "pl": "Brak konwersji w bieżącym zakresie: nie ma czego przypisać.",
    },
    "attribution.comparison": {
        "en": "Model comparison",
        "id": "Perbandingan model",
        "pl": "Porównanie modeli",
    },
    "attribution.totals": {
        "en": "{conversions:,.0f} conversions and {revenue:,.2f} revenue, credited by every model.",
        "id": "{conversions:,.0f} konversi dan pendapatan {revenue:,.2f}, diatribusikan oleh "
        "setiap model.",
        "pl": "{conversions:,.0f} konwersji i {revenue:,.2f} przychodu, przypisane przez każdy "
        "model.",
    },
    "attribution.ci_caption": {
        "en": "Error bars: 95% bootstrap intervals over {n} resamples of customers.",
        "id": "Garis galat: interval bootstrap 95% dari {n} pengambilan ulang pelanggan.",
        "pl": "Słupki błędu: 95% przedziały bootstrap z {n} losowań klientów.",
    },
    "attribution.assumptions": {
        "en": "What each model assumes",
        "id": "Asumsi setiap model",
        "pl": "Co zakłada każdy model",
    },
    "attribution.shapley_method": {
        "en": "Shapley value: {method}.",
        "id": "Nilai Shapley: {method}.",
        "pl": "Wartość Shapleya: {method}.",
    },
    "attribution.disagreements": {
        "en": "Where the models disagree",
        "id": "Di mana model tidak sepakat",
        "pl": "Gdzie modele się różnią",
    },
    "attribution.no_disagreements": {
        "en": "No channel's share differs by more than {threshold} points between models.",
        "id": "Tidak ada pangsa saluran yang berbeda lebih dari {threshold} poin antar model.",
        "pl": "Żaden udział kanału nie różni się o więcej niż {threshold} pkt między modelami.",
    },
    "attribution.disagree": {
        "en": "{channel} earns {high} under {high_model} but {low} under {low_model}:",
        "id": "{channel} mendapat {high} menurut {high_model} tetapi {low} menurut {low_model}:",
        "pl": "{channel} dostaje {high} w modelu {high_model}, ale {low} w modelu {low_model}:",
    },
    "attribution.role.opens": {
        "en": "it opens journeys, it doesn't close them.",
        "id": "saluran ini membuka perjalanan, bukan menutupnya.",
        "pl": "otwiera ścieżki, ale ich nie zamyka.",
    },
    "attribution.role.closes": {
        "en": "it closes journeys more than it opens them.",
        "id": "saluran ini lebih sering menutup perjalanan daripada membukanya.",
        "pl": "częściej zamyka ścieżki, niż je otwiera.",
    },
    "attribution.role.assists": {
        "en": "it helps journeys along but rarely closes them.",
        "id": "saluran ini membantu perjalanan tetapi jarang menutupnya.",
        "pl": "pomaga po drodze, ale rzadko zamyka ścieżki.",
    },
    "attribution.role.mixed": {
        "en": "the models weigh its part in the journey differently.",
        "id": "model-model menilai perannya dalam perjalanan secara berbeda.",
        "pl": "modele różnie oceniają jego rolę w ścieżce.",
    },
    "attribution.markov": {
        "en": "Markov chain: removal effects and transitions",
        "id": "Rantai Markov: efek penghapusan dan transisi",
        "pl": "Łańcuch Markowa: efekty usunięcia i przejścia",
    },
    "attribution.markov_caption": {
        "en": "A journey converts with probability {p:.1%}. The removal effect of a channel is "
        "the share of conversions (and revenue) lost if it disappeared; solved exactly.",
        "id": "Sebuah perjalanan berkonversi dengan peluang {p:.1%}. Efek penghapusan saluran "
        "adalah bagian konversi (dan pendapatan) yang hilang bila saluran itu tiada; "
        "dihitung secara eksak.",
        "pl": "Ścieżka kończy się konwersją z prawdopodobieństwem {p:.1%}. Efekt usunięcia "
        "kanału to część konwersji (i przychodu) utracona bez niego; liczony dokładnie.",
    },
    "attribution.too_many_states": {
        "en": "{n} states are too many to draw; download the transitions instead.",
        "id": "{n} state terlalu banyak untuk digambar; unduh transisinya saja.",
        "pl": "{n} stanów to za dużo do narysowania; pobierz przejścia jako CSV.",
    },
    "attribution.download_transitions": {
        "en": "Download transitions (CSV)",
        "id": "Unduh transisi (CSV)",
        "pl": "Pobierz przejścia (CSV)",
    },
    "attribution.lookback": {
        "en": "Lookback sensitivity",
        "id": "Sensitivitas lookback",
        "pl": "Wrażliwość na okno wsteczne",
    },
    "attribution.lookback_show": {
        "en": "Compare 7, 14, 30, 60 and 90-day windows",
        "id": "Bandingkan jendela 7, 14, 30, 60 dan 90 hari",
        "pl": "Porównaj okna 7, 14, 30, 60 i 90 dni",
    },
    "attribution.lookback_caption": {
        "en": "Flat lines: the window doesn't matter. Steep lines: the answer depends on it.",
        "id": "Garis datar: jendela tidak berpengaruh. Garis curam: hasil bergantung padanya.",
        "pl": "Płaskie linie: okno nie ma znaczenia. Strome: wynik od niego zależy.",
    },
    # model names and what each assumes
    "attribution.name.first": {
        "en": "First touch",
        "id": "Sentuhan pertama",
        "pl": "Pierwszy kontakt",
    },
    "attribution.name.last": {
        "en": "Last touch",
        "id": "Sentuhan terakhir",
        "pl": "Ostatni kontakt",
    },
    "attribution.name.last_non_direct": {
        "en": "Last non-direct",
        "id": "Terakhir non-direct",
        "pl": "Ostatni nie-bezpośredni",
    },
    "attribution.name.linear": {"en": "Linear", "id": "Linear", "pl": "Liniowy"},
    "attribution.name.time_decay": {"en": "Time decay", "id": "Time decay", "pl": "Zanik czasowy"},
    "attribution.name.position": {
        "en": "Position-based",
        "id": "Berbasis posisi",
        "pl": "Pozycyjny",
    },
    "attribution.name.markov": {
        "en": "Markov chain",
        "id": "Rantai Markov",
        "pl": "Łańcuch Markowa",
    },
    "attribution.name.shapley": {
        "en": "Shapley value",
        "id": "Nilai Shapley",
        "pl": "Wartość Shapleya",
    },
    "attribution.explain.first": {
        "en": "All the credit goes to the channel that opened the journey: it rewards "
        "discovery and ignores everything after.",
        "id": "Semua kredit untuk saluran yang membuka perjalanan: menghargai penemuan dan "
        "mengabaikan semua setelahnya.",
        "pl": "Całość dla kanału, który otworzył ścieżkę: nagradza odkrycie, pomija resztę.",
    },
    "attribution.explain.last": {
        "en": "All the credit goes to the channel where the sale happened: it rewards closing "
        "and ignores how the customer got there.",
        "id": "Semua kredit untuk saluran tempat penjualan terjadi: menghargai penutupan dan "
        "mengabaikan cara pelanggan sampai di sana.",
        "pl": "Całość dla kanału, w którym doszło do sprzedaży: nagradza domknięcie, pomija "
        "drogę klienta.",
    },
    "attribution.explain.last_non_direct": {
        "en": "Like last touch, but a 'Direct' visit passes the credit back to the last channel "
        "that brought the customer in.",
        "id": "Seperti sentuhan terakhir, tetapi kunjungan 'Direct' meneruskan kredit ke "
        "saluran terakhir yang membawa pelanggan.",
        "pl": "Jak ostatni kontakt, ale wejście 'Direct' oddaje zasługę ostatniemu kanałowi, "
        "który przyprowadził klienta.",
    },
    "attribution.explain.linear": {
        "en": "Every touch in the window gets an equal slice, repeats included: fair by "
        "default, blind to timing.",
        "id": "Setiap sentuhan dalam jendela mendapat bagian sama, termasuk pengulangan: adil, "
        "tetapi tidak melihat waktu.",
        "pl": "Każdy kontakt w oknie dostaje równą część, także powtórzenia: sprawiedliwie, "
        "ale bez względu na czas.",
    },
    "attribution.explain.time_decay": {
        "en": "Touches closer to the sale earn more: credit halves every {half_life:g} days back.",
        "id": "Sentuhan yang lebih dekat ke penjualan mendapat lebih banyak: kredit berkurang "
        "separuh setiap {half_life:g} hari ke belakang.",
        "pl": "Kontakty bliżej sprzedaży dostają więcej: zasługa maleje o połowę co "
        "{half_life:g} dni wstecz.",
    },
    "attribution.explain.position": {
        "en": "U-shaped: the first touch takes {first}%, the last {last}%, the touches between "
        "share {middle}%; two touches split first:last, one takes all.",
        "id": "Bentuk U: sentuhan pertama {first}%, terakhir {last}%, sentuhan di antaranya "
        "berbagi {middle}%; dua sentuhan dibagi pertama:terakhir, satu sentuhan mendapat semua.",
        "pl": "Kształt U: pierwszy kontakt {first}%, ostatni {last}%, środkowe dzielą {middle}%; "
        "dwa kontakty dzielą pierwszy:ostatni, jeden bierze całość.",
    },
    "attribution.explain.markov": {
        "en": "Learned from converting and non-converting journeys: a channel earns what "
        "would be lost without it (its removal effect).",
        "id": "Dipelajari dari perjalanan yang berkonversi maupun tidak: saluran mendapat apa "
        "yang akan hilang tanpanya (efek penghapusan).",
        "pl": "Uczony na ścieżkach z konwersją i bez: kanał dostaje to, co by przepadło bez "
        "niego (efekt usunięcia).",
    },
    "attribution.explain.shapley": {
        "en": "Game theory: each conversion is shared fairly among the channels that worked "
        "together on it, over every possible team of channels.",
        "id": "Teori permainan: setiap konversi dibagi adil di antara saluran yang bekerja "
        "sama, atas semua kemungkinan tim saluran.",
        "pl": "Teoria gier: każda konwersja dzielona sprawiedliwie między kanały, które na nią "
        "pracowały, po wszystkich możliwych zespołach kanałów.",
    },
    # -- channel metrics page --------------------------------------------------------------
    "metrics.title": {"en": "Channel metrics", "id": "Metrik saluran", "pl": "Metryki kanałów"},
    "metrics.intro": {
        "en": "Sessions, contacts, qualified customers, sales and revenue per channel and "
        "period, with sales credited by first and by last touch side by side.",
        "id": "Sesi, kontak, pelanggan terkualifikasi, penjualan dan pendapatan per saluran "
        "dan periode; penjualan diatribusikan per sentuhan pertama dan terakhir berdampingan.",
        "pl": "Sesje, kontakty, klienci zakwalifikowani, sprzedaż i przychód na kanał i okres; "
        "sprzedaż przypisana według pierwszego i ostatniego kontaktu obok siebie.",
    },
    "metrics.range": {"en": "Date range", "id": "Rentang tanggal", "pl": "Zakres dat"},
    "metrics.granularity": {"en": "Per", "id": "Per", "pl": "Na"},
    "metrics.granularity.day": {"en": "Day", "id": "Hari", "pl": "Dzień"},
    "metrics.granularity.week": {"en": "Week", "id": "Minggu", "pl": "Tydzień"},
    "metrics.granularity.month": {"en": "Month", "id": "Bulan", "pl": "Miesiąc"},
    "metrics.granularity.all": {"en": "Whole range", "id": "Seluruh rentang", "pl": "Cały zakres"},
    "metrics.qualify_by": {
        "en": "Qualifying event from",
        "id": "Event kualifikasi dari",
        "pl": "Zdarzenie kwalifikujące z",
    },
    "metrics.qualifying": {
        "en": "Qualifying events",
        "id": "Event kualifikasi",
        "pl": "Zdarzenia kwalifikujące",
    },
    "metrics.qualifying_help": {
        "en": "A customer counts as qualified on a channel when they did one of these there "
        "(e.g. a lead form or add-to-cart).",
        "id": "Pelanggan dihitung terkualifikasi di saluran bila melakukan salah satu ini di "
        "sana (mis. formulir prospek atau tambah ke keranjang).",
        "pl": "Klient jest zakwalifikowany w kanale, gdy zrobił tam jedną z tych rzeczy "
        "(np. formularz kontaktowy lub dodanie do koszyka).",
    },
    "metrics.metric": {"en": "Trend of", "id": "Tren", "pl": "Trend"},
    "metrics.column.sessions": {"en": "Sessions", "id": "Sesi", "pl": "Sesje"},
    "metrics.column.contacts": {"en": "Contacts", "id": "Kontak", "pl": "Kontakty"},
    "metrics.column.qualified": {
        "en": "Qualified",
        "id": "Terkualifikasi",
        "pl": "Zakwalifikowani",
    },
    "metrics.column.sales_first": {
        "en": "Sales (first touch)",
        "id": "Penjualan (sentuhan pertama)",
        "pl": "Sprzedaż (pierwszy kontakt)",
    },
    "metrics.column.revenue_first": {
        "en": "Revenue (first touch)",
        "id": "Pendapatan (sentuhan pertama)",
        "pl": "Przychód (pierwszy kontakt)",
    },
    "metrics.column.sales_last": {
        "en": "Sales (last touch)",
        "id": "Penjualan (sentuhan terakhir)",
        "pl": "Sprzedaż (ostatni kontakt)",
    },
    "metrics.column.revenue_last": {
        "en": "Revenue (last touch)",
        "id": "Pendapatan (sentuhan terakhir)",
        "pl": "Przychód (ostatni kontakt)",
    },
    "metrics.sessions_note": {
        "en": "Sessions count distinct session ids (touches without one count one each).",
        "id": "Sesi menghitung session id yang berbeda (sentuhan tanpa id dihitung satu-satu).",
        "pl": "Sesje to różne identyfikatory sesji (kontakt bez niego liczy się osobno).",
    },
    "metrics.touches_note": {
        "en": "There is no session_id column: sessions count touches.",
        "id": "Tidak ada kolom session_id: sesi menghitung sentuhan.",
        "pl": "Brak kolumny session_id: sesje liczą kontakty.",
    },
    "metrics.empty": {
        "en": "No events in this date range.",
        "id": "Tidak ada event dalam rentang tanggal ini.",
        "pl": "Brak zdarzeń w tym zakresie dat.",
    },
    "metrics.contacts": {
        "en": "Contact list",
        "id": "Daftar kontak",
        "pl": "Lista kontaktów",
    },
    "metrics.contacts_intro": {
        "en": "Every customer's contacts by channel and their last communication.",
        "id": "Kontak setiap pelanggan per saluran dan komunikasi terakhirnya.",
        "pl": "Kontakty każdego klienta według kanału i ostatnia komunikacja.",
    },
    "metrics.search": {
        "en": "Customer id contains",
        "id": "ID pelanggan mengandung",
        "pl": "Identyfikator klienta zawiera",
    },
    "metrics.last_channels": {
        "en": "Last contact on",
        "id": "Kontak terakhir di",
        "pl": "Ostatni kontakt w",
    },
    "metrics.min_contacts": {
        "en": "At least this many contacts",
        "id": "Minimal jumlah kontak",
        "pl": "Co najmniej tyle kontaktów",
    },
    "metrics.shown": {
        "en": "{shown:,} of {total:,} customers.",
        "id": "{shown:,} dari {total:,} pelanggan.",
        "pl": "{shown:,} z {total:,} klientów.",
    },
    "metrics.all": {"en": "All", "id": "Semua", "pl": "Wszystkie"},
    "metrics.first_shown": {
        "en": "The table shows the first {n:,}; the CSV download holds them all.",
        "id": "Tabel menampilkan {n:,} pertama; unduhan CSV memuat semuanya.",
        "pl": "Tabela pokazuje pierwszych {n:,}; plik CSV zawiera wszystkich.",
    },
}
