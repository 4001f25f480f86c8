"""UI text of customer sentiment on the Journey map, Network map and Customer pages."""

TEXT: dict[str, dict[str, str]] = {
    "maps.sentiment.toggle": {
        "en": "Colour nodes by customer sentiment",
        "id": "Warnai simpul menurut sentimen pelanggan",
        "pl": "Koloruj węzły według nastawienia klientów",
    },
    "maps.sentiment.toggle_help": {
        "en": "Mean sentiment of the customer's own turns in the transcripts linked to each "
        "node (same customer, nearest support event that day, else the last event before).",
        "id": "Rata-rata sentimen ucapan pelanggan dalam transkrip yang terhubung ke setiap "
        "simpul (pelanggan sama, event dukungan terdekat hari itu, atau event terakhir sebelumnya).",
        "pl": "Średnie nastawienie wypowiedzi klienta w transkrypcjach powiązanych z węzłem "
        "(ten sam klient, najbliższe zdarzenie wsparcia tego dnia, inaczej ostatnie wcześniejsze).",
    },
    "maps.sentiment.no_transcripts": {
        "en": "Load transcripts with the dataset to colour nodes by sentiment.",
        "id": "Muat transkrip bersama dataset untuk mewarnai simpul menurut sentimen.",
        "pl": "Wczytaj transkrypcje z danymi, aby kolorować węzły według nastawienia.",
    },
    "maps.sentiment.scoring": {
        "en": "Scoring transcripts",
        "id": "Menilai transkrip",
        "pl": "Ocenianie transkrypcji",
    },
    "maps.sentiment.legend": {
        "en": "🟦 positive · ⬜ neutral · 🟧 negative mean customer sentiment (-1..1); "
        "grey: fewer than {min_n} scored transcripts. Start and end nodes keep their colours.",
        "id": "🟦 positif · ⬜ netral · 🟧 negatif rata-rata sentimen pelanggan (-1..1); "
        "abu-abu: kurang dari {min_n} transkrip. Simpul awal dan akhir tetap berwarna asli.",
        "pl": "🟦 pozytywne · ⬜ neutralne · 🟧 negatywne średnie nastawienie klientów (-1..1); "
        "szare: mniej niż {min_n} ocenionych transkrypcji. Węzły startu i końca bez zmian.",
    },
    "maps.sentiment.table": {
        "en": "Sentiment per node (n = scored customer transcripts)",
        "id": "Sentimen per simpul (n = transkrip pelanggan yang dinilai)",
        "pl": "Nastawienie na węzeł (n = ocenione transkrypcje klientów)",
    },
    "maps.sentiment.none": {
        "en": "No transcripts could be linked to the journey events in this scope.",
        "id": "Tidak ada transkrip yang dapat dihubungkan ke event perjalanan di cakupan ini.",
        "pl": "Żadnej transkrypcji nie udało się powiązać ze zdarzeniami w tym zakresie.",
    },
    "maps.customer.sentiment_caption": {
        "en": "Each text with its sentiment score (-1..1) and label from the default scorer; "
        "texts that could not be scored are 'unscored'.",
        "id": "Setiap teks dengan skor (-1..1) dan label sentimen dari penilai bawaan; "
        "teks yang tidak dapat dinilai berlabel 'unscored'.",
        "pl": "Każdy tekst z wynikiem (-1..1) i etykietą nastawienia z domyślnego oceniania; "
        "teksty bez oceny mają etykietę 'unscored'.",
    },
}
