"""UI text of the Sentiment page."""

TEXT: dict[str, dict[str, str]] = {
    "sentiment.title": {"en": "Sentiment", "id": "Sentimen", "pl": "Sentyment"},
    "sentiment.intro": {
        "en": "How customers feel in calls, chats and emails, and where on the journey it happens. "
        "Only the customer's turns count; agent turns are scored apart.",
        "id": "Perasaan pelanggan dalam panggilan, chat, dan email, serta di mana dalam perjalanan. "
        "Hanya giliran pelanggan yang dihitung; giliran agen dinilai terpisah.",
        "pl": "Co czują klienci w rozmowach, czatach i e-mailach i w którym miejscu ścieżki. "
        "Liczą się tylko wypowiedzi klienta; wypowiedzi konsultanta oceniane są osobno.",
    },
    "sentiment.no_transcripts": {
        "en": "This dataset has no transcripts. Add a transcripts file on the Data page.",
        "id": "Dataset ini tidak memiliki transkrip. Tambahkan file transkrip di halaman Data.",
        "pl": "Ten zbiór nie ma transkrypcji. Dodaj plik transkrypcji na stronie Dane.",
    },
    "sentiment.data_link": {"en": "Go to Data", "id": "Ke halaman Data", "pl": "Przejdź do Danych"},
    "sentiment.scorer": {"en": "Scorer", "id": "Penilai", "pl": "Metoda oceny"},
    "sentiment.scorer.default": {
        "en": "Lexicon (English) + shipped models",
        "id": "Leksikon (Inggris) + model bawaan",
        "pl": "Leksykon (angielski) + modele wbudowane",
    },
    "sentiment.scorer.lexicon": {
        "en": "Lexicon only (English)",
        "id": "Hanya leksikon (Inggris)",
        "pl": "Tylko leksykon (angielski)",
    },
    "sentiment.scorer.trained": {
        "en": "Model trained on this data's labels",
        "id": "Model dilatih dengan label data ini",
        "pl": "Model uczony na etykietach tych danych",
    },
    "sentiment.no_labels": {
        "en": "No labelled transcripts: a model can be trained when the data has a label column.",
        "id": "Tidak ada transkrip berlabel: model dapat dilatih bila data memiliki kolom label.",
        "pl": "Brak etykiet: model można wyuczyć, gdy dane mają kolumnę label.",
    },
    "sentiment.scoring": {
        "en": "Scoring transcripts",
        "id": "Menilai transkrip",
        "pl": "Ocena transkrypcji",
    },
    "sentiment.rows": {"en": "Texts", "id": "Teks", "pl": "Teksty"},
    "sentiment.scored": {"en": "Scored", "id": "Dinilai", "pl": "Ocenione"},
    "sentiment.unscored": {"en": "Unscored", "id": "Tidak dinilai", "pl": "Nieocenione"},
    "sentiment.unscored_why": {
        "en": "Why some texts were left unscored",
        "id": "Mengapa sebagian teks tidak dinilai",
        "pl": "Dlaczego część tekstów nie została oceniona",
    },
    "sentiment.customer": {
        "en": "Customer sentiment",
        "id": "Sentimen pelanggan",
        "pl": "Sentyment klienta",
    },
    "sentiment.agent": {
        "en": "Agent sentiment",
        "id": "Sentimen agen",
        "pl": "Sentyment konsultanta",
    },
    "sentiment.share_negative": {"en": "Negative", "id": "Negatif", "pl": "Negatywne"},
    "sentiment.change": {
        "en": "Start to end change",
        "id": "Perubahan awal ke akhir",
        "pl": "Zmiana od początku do końca",
    },
    "sentiment.change_help": {
        "en": "Mean change from the first to the last customer turn; {share} of {n} conversations ended better than they began.",
        "id": "Rata-rata perubahan dari giliran pertama ke terakhir pelanggan; {share} dari {n} percakapan berakhir lebih baik.",
        "pl": "Średnia zmiana od pierwszej do ostatniej wypowiedzi klienta; {share} z {n} rozmów skończyło się lepiej.",
    },
    "sentiment.metrics": {
        "en": "Trained model vs lexicon on the same labels (cross-validated, never on training rows)",
        "id": "Model terlatih vs leksikon pada label yang sama (validasi silang)",
        "pl": "Model uczony a leksykon na tych samych etykietach (walidacja krzyżowa)",
    },
    "sentiment.level": {"en": "Sentiment by", "id": "Sentimen menurut", "pl": "Sentyment według"},
    "sentiment.join_help": {
        "en": "A transcript belongs to the customer's support event on the same day, else to their last event before it.",
        "id": "Transkrip dikaitkan dengan event dukungan pelanggan di hari yang sama, atau event terakhir sebelumnya.",
        "pl": "Transkrypcja należy do zdarzenia obsługi klienta z tego samego dnia, a w przeciwnym razie do ostatniego wcześniejszego zdarzenia.",
    },
    "sentiment.trend": {"en": "Weekly trend", "id": "Tren mingguan", "pl": "Trend tygodniowy"},
    "sentiment.drivers": {
        "en": "What separates negative from positive",
        "id": "Pembeda negatif dan positif",
        "pl": "Co odróżnia negatywne od pozytywnych",
    },
    "sentiment.drivers_channel": {
        "en": "Drivers per channel",
        "id": "Pendorong per saluran",
        "pl": "Czynniki według kanału",
    },
    "sentiment.negative": {
        "en": "Most negative",
        "id": "Paling negatif",
        "pl": "Najbardziej negatywne",
    },
    "sentiment.topics": {"en": "Topics", "id": "Topik", "pl": "Tematy"},
    "sentiment.text_sample": {
        "en": "Drivers, topics and highlighted terms read a random sample of {n} of the scope's "
        "{total} customer texts (the same sample on every visit).",
        "id": "Pendorong, topik dan istilah yang disorot membaca sampel acak {n} dari {total} "
        "teks pelanggan dalam cakupan (sampel yang sama setiap kunjungan).",
        "pl": "Czynniki, tematy i wyróżnione wyrażenia opierają się na losowej próbie {n} z "
        "{total} tekstów klientów w zakresie (ta sama próba przy każdej wizycie).",
    },
    "sentiment.outcome": {
        "en": "Do customers whose last contact was negative buy again less often?",
        "id": "Apakah pelanggan dengan kontak terakhir negatif lebih jarang membeli lagi?",
        "pl": "Czy klienci, których ostatni kontakt był negatywny, rzadziej kupują ponownie?",
    },
    "sentiment.none": {
        "en": "Not enough scored texts.",
        "id": "Teks yang dinilai belum cukup.",
        "pl": "Za mało ocenionych tekstów.",
    },
    "sentiment.download": {
        "en": "Download scored transcripts",
        "id": "Unduh transkrip yang dinilai",
        "pl": "Pobierz ocenione transkrypcje",
    },
    "sentiment.model_saved": {
        "en": "This model is kept in the workspace with the dataset: it is not trained again next time.",
        "id": "Model ini disimpan di workspace bersama dataset: tidak dilatih ulang lain kali.",
        "pl": "Model jest zapisany w obszarze roboczym razem ze zbiorem: nie będzie trenowany ponownie.",
    },
    "sentiment.model_session": {
        "en": "This model lives in this session only; save the dataset in the workspace (Data page) to keep it.",
        "id": "Model ini hanya ada di sesi ini; simpan dataset di workspace (halaman Data) untuk menyimpannya.",
        "pl": "Model istnieje tylko w tej sesji; zapisz zbiór w obszarze roboczym (strona Dane), aby go zachować.",
    },
    "sentiment.drivers_phase": {
        "en": "Drivers by journey phase",
        "id": "Pendorong per fase perjalanan",
        "pl": "Czynniki wg fazy ścieżki",
    },
}
