"""UI text of the journey maps: Journey map, Network map, Compare, Funnels, Customer, Rules."""

TEXT: dict[str, dict[str, str]] = {
    # -- shared controls -------------------------------------------------------------------
    "maps.level": {"en": "Level", "id": "Tingkat", "pl": "Poziom"},
    "maps.level.channel": {"en": "Channel", "id": "Saluran", "pl": "Kanał"},
    "maps.level.touchpoint": {"en": "Touchpoint", "id": "Titik sentuh", "pl": "Punkt styku"},
    "maps.level.phase": {"en": "Phase", "id": "Fase", "pl": "Faza"},
    "maps.level.event_type": {"en": "Event type", "id": "Jenis event", "pl": "Typ zdarzenia"},
    "maps.phase.awareness": {"en": "Awareness", "id": "Kesadaran", "pl": "Świadomość"},
    "maps.phase.onboarding": {"en": "Onboarding", "id": "Orientasi", "pl": "Wdrożenie"},
    "maps.phase.engagement": {"en": "Engagement", "id": "Keterlibatan", "pl": "Zaangażowanie"},
    "maps.phase.post-purchase": {
        "en": "Post-purchase",
        "id": "Pasca-pembelian",
        "pl": "Po zakupie",
    },
    "maps.steps": {"en": "Steps", "id": "Langkah", "pl": "Kroki"},
    "maps.top_k": {
        "en": "Top nodes (K)",
        "id": "Simpul teratas (K)",
        "pl": "Najczęstsze węzły (K)",
    },
    "maps.top_k_help": {
        "en": "Nodes beyond the K largest by volume fold into 'Other'. 0 keeps every node.",
        "id": "Simpul di luar K terbesar digabung menjadi 'Other'. 0 menampilkan semua simpul.",
        "pl": "Węzły spoza K największych trafiają do 'Other'. 0 pokazuje wszystkie węzły.",
    },
    "maps.phase_focus": {"en": "Phase focus", "id": "Fokus fase", "pl": "Wybrana faza"},
    "maps.all_phases": {"en": "All phases", "id": "Semua fase", "pl": "Wszystkie fazy"},
    "maps.collapse": {
        "en": "Collapse repeats",
        "id": "Gabungkan pengulangan",
        "pl": "Scalaj powtórzenia",
    },
    "maps.end_nodes": {
        "en": "Show end nodes",
        "id": "Tampilkan simpul akhir",
        "pl": "Pokaż węzły końcowe",
    },
    "maps.end_nodes_hidden": {
        "en": "End nodes are hidden: customers whose path ended keep their (empty) room, so every column still adds up.",
        "id": "Simpul akhir disembunyikan: pelanggan yang perjalanannya selesai tetap memakai ruangnya, jadi setiap kolom tetap berjumlah sama.",
        "pl": "Węzły końcowe są ukryte: zakończone ścieżki zachowują swoje (puste) miejsce, więc każda kolumna się sumuje.",
    },
    "maps.team": {"en": "Team view", "id": "Tampilan tim", "pl": "Widok zespołu"},
    "maps.all_teams": {"en": "All teams", "id": "Semua tim", "pl": "Wszystkie zespoły"},
    "maps.team_mode": {
        "en": "Other teams' touchpoints",
        "id": "Titik sentuh tim lain",
        "pl": "Punkty styku innych zespołów",
    },
    "maps.team_mode.fold": {
        "en": "Fold into 'Other teams'",
        "id": "Gabung ke 'Other teams'",
        "pl": "Scal w 'Other teams'",
    },
    "maps.team_mode.hide": {"en": "Hide", "id": "Sembunyikan", "pl": "Ukryj"},
    "maps.working": {
        "en": "Computing the paths…",
        "id": "Menghitung jalur…",
        "pl": "Obliczanie ścieżek…",
    },
    "maps.folded": {
        "en": "{n} nodes with {events} events are folded into 'Other' (top {k} kept).",
        "id": "{n} simpul dengan {events} event digabung ke 'Other' ({k} teratas dipertahankan).",
        "pl": "{n} węzłów z {events} zdarzeniami scalono w 'Other' (zachowano {k} największych).",
    },
    "maps.phase_only": {
        "en": "Only events in the {phase} phase are used.",
        "id": "Hanya event dalam fase {phase} yang dipakai.",
        "pl": "Uwzględniono tylko zdarzenia z fazy {phase}.",
    },
    "maps.no_paths": {
        "en": "No paths to draw with these settings.",
        "id": "Tidak ada jalur untuk ditampilkan dengan pengaturan ini.",
        "pl": "Brak ścieżek do narysowania przy tych ustawieniach.",
    },
    # -- Journey map -----------------------------------------------------------------------
    "maps.journey.title": {"en": "Journey map", "id": "Peta perjalanan", "pl": "Mapa ścieżek"},
    "maps.journey.intro": {
        "en": "How customers move from touchpoint to touchpoint, step by step. Hover a node or a flow for counts and shares.",
        "id": "Bagaimana pelanggan berpindah antar titik sentuh, langkah demi langkah. Arahkan kursor untuk jumlah dan persentase.",
        "pl": "Jak klienci przechodzą między punktami styku, krok po kroku. Najedź na węzeł lub przepływ, by zobaczyć liczby i udziały.",
    },
    "maps.journey.sankey": {
        "en": "Step flows, positions 1 to {steps}",
        "id": "Alur per langkah, posisi 1 sampai {steps}",
        "pl": "Przepływy krok po kroku, pozycje 1–{steps}",
    },
    "maps.journey.sums": {
        "en": "Every column holds all {customers} customers: paths that end flow into Converted or No conversion and stay there.",
        "id": "Setiap kolom memuat semua {customers} pelanggan: jalur yang berakhir masuk ke Converted atau No conversion dan tetap di sana.",
        "pl": "Każda kolumna obejmuje wszystkich {customers} klientów: zakończone ścieżki trafiają do Converted lub No conversion i tam zostają.",
    },
    "maps.journey.phases": {
        "en": "Across the phases",
        "id": "Lintas fase",
        "pl": "Między fazami",
    },
    "maps.journey.phases_intro": {
        "en": "Channels used in each phase, linked when the same customers used both; flows are sized by customers.",
        "id": "Saluran yang dipakai di tiap fase, terhubung bila pelanggan yang sama memakai keduanya; lebar alur = jumlah pelanggan.",
        "pl": "Kanały używane w każdej fazie, połączone, gdy ci sami klienci korzystali z obu; szerokość = liczba klientów.",
    },
    "maps.journey.no_phase_flows": {
        "en": "No customer moves from one phase to another in this selection.",
        "id": "Tidak ada pelanggan yang berpindah fase dalam pilihan ini.",
        "pl": "W tym wyborze żaden klient nie przechodzi między fazami.",
    },
    "maps.journey.top_paths": {
        "en": "Most frequent complete paths",
        "id": "Jalur lengkap paling sering",
        "pl": "Najczęstsze pełne ścieżki",
    },
    # -- Network map -----------------------------------------------------------------------
    "maps.network.title": {"en": "Network map", "id": "Peta jaringan", "pl": "Mapa sieci"},
    "maps.network.intro": {
        "en": "Every transition between touchpoints as a network: node size = volume, colour = dominant phase, edge width = transitions. Drag, zoom and hover.",
        "id": "Setiap transisi antar titik sentuh sebagai jaringan: ukuran simpul = volume, warna = fase dominan, tebal garis = transisi.",
        "pl": "Wszystkie przejścia między punktami styku jako sieć: rozmiar węzła = wolumen, kolor = dominująca faza, grubość = przejścia.",
    },
    "maps.network.min_weight": {
        "en": "Minimum transitions per edge",
        "id": "Transisi minimum per garis",
        "pl": "Minimalna liczba przejść",
    },
    "maps.network.min_weight_help": {
        "en": "Edges with fewer transitions are not drawn.",
        "id": "Garis dengan transisi lebih sedikit tidak digambar.",
        "pl": "Krawędzie z mniejszą liczbą przejść nie są rysowane.",
    },
    "maps.network.max_nodes": {
        "en": "Maximum nodes",
        "id": "Simpul maksimum",
        "pl": "Maksymalna liczba węzłów",
    },
    "maps.network.layout": {"en": "Layout", "id": "Tata letak", "pl": "Układ"},
    "maps.network.layout.physics": {
        "en": "Free (physics)",
        "id": "Bebas (fisika)",
        "pl": "Swobodny (fizyka)",
    },
    "maps.network.layout.hierarchical": {
        "en": "By phase (left to right)",
        "id": "Per fase (kiri ke kanan)",
        "pl": "Wg faz (od lewej)",
    },
    "maps.network.end_nodes": {
        "en": "Start and end nodes",
        "id": "Simpul awal dan akhir",
        "pl": "Węzły startu i końca",
    },
    "maps.network.physics": {"en": "Physics", "id": "Fisika", "pl": "Fizyka"},
    "maps.network.physics_help": {
        "en": "On: nodes keep reacting when you drag them. Off (and always for large networks): the layout freezes once it has settled.",
        "id": "Aktif: simpul tetap bereaksi saat digeser. Nonaktif (dan selalu untuk jaringan besar): tata letak berhenti setelah stabil.",
        "pl": "Wł.: węzły reagują przy przeciąganiu. Wył. (i zawsze dla dużych sieci): układ zamiera po ustabilizowaniu.",
    },
    "maps.network.page_title": {
        "en": "Journey network: {name}",
        "id": "Jaringan perjalanan: {name}",
        "pl": "Sieć ścieżek: {name}",
    },
    "maps.network.shown": {
        "en": "Showing {nodes} nodes and {edges} edges; {hidden_nodes} nodes and {hidden_edges} edges are left out by the minimum weight and node limit.",
        "id": "Menampilkan {nodes} simpul dan {edges} garis; {hidden_nodes} simpul dan {hidden_edges} garis tidak ditampilkan karena batas bobot dan jumlah simpul.",
        "pl": "Widać {nodes} węzłów i {edges} krawędzi; {hidden_nodes} węzłów i {hidden_edges} krawędzi pominięto przez minimalną wagę i limit węzłów.",
    },
    "maps.network.empty": {
        "en": "No edge reaches the minimum weight. Lower it to see the network.",
        "id": "Tidak ada garis yang mencapai bobot minimum. Turunkan untuk melihat jaringan.",
        "pl": "Żadna krawędź nie osiąga minimalnej wagi. Zmniejsz ją, by zobaczyć sieć.",
    },
    "maps.network.legend": {
        "en": "Colours: blue awareness, orange onboarding, green engagement, pink post-purchase; dark green Converted, grey No conversion or folded nodes.",
        "id": "Warna: biru kesadaran, oranye orientasi, hijau keterlibatan, merah muda pasca-pembelian; hijau tua Converted, abu-abu No conversion atau simpul gabungan.",
        "pl": "Kolory: niebieski świadomość, pomarańczowy wdrożenie, zielony zaangażowanie, różowy po zakupie; ciemnozielony Converted, szary No conversion lub węzły scalone.",
    },
    # -- Compare ---------------------------------------------------------------------------
    "maps.compare.title": {
        "en": "Compare segments",
        "id": "Bandingkan segmen",
        "pl": "Porównaj segmenty",
    },
    "maps.compare.intro": {
        "en": "The same map for two groups side by side, and which transitions one group takes more often than the other.",
        "id": "Peta yang sama untuk dua kelompok berdampingan, dan transisi yang lebih sering diambil satu kelompok.",
        "pl": "Ta sama mapa dla dwóch grup obok siebie i przejścia, które jedna grupa wybiera częściej niż druga.",
    },
    "maps.compare.mode": {"en": "Compare", "id": "Bandingkan", "pl": "Porównaj"},
    "maps.compare.mode.conversion": {
        "en": "Converters vs non-converters",
        "id": "Berkonversi vs tidak",
        "pl": "Kupujący vs pozostali",
    },
    "maps.compare.mode.segment": {
        "en": "Segment A vs B",
        "id": "Segmen A vs B",
        "pl": "Segment A vs B",
    },
    "maps.compare.mode.period": {
        "en": "Period A vs B",
        "id": "Periode A vs B",
        "pl": "Okres A vs B",
    },
    "maps.compare.show": {"en": "Show", "id": "Tampilkan", "pl": "Pokaż"},
    "maps.compare.show.flows": {"en": "Step flows", "id": "Alur langkah", "pl": "Przepływy"},
    "maps.compare.show.network": {"en": "Network", "id": "Jaringan", "pl": "Sieć"},
    "maps.compare.converters": {"en": "Converters", "id": "Berkonversi", "pl": "Kupujący"},
    "maps.compare.non_converters": {
        "en": "Non-converters",
        "id": "Tidak berkonversi",
        "pl": "Niekupujący",
    },
    "maps.compare.attribute": {"en": "Attribute", "id": "Atribut", "pl": "Atrybut"},
    "maps.compare.group_a": {"en": "Group A", "id": "Kelompok A", "pl": "Grupa A"},
    "maps.compare.group_b": {"en": "Group B", "id": "Kelompok B", "pl": "Grupa B"},
    "maps.compare.no_attributes": {
        "en": "This dataset has no attribute column (segment, device, campaign…) to compare by.",
        "id": "Dataset ini tidak memiliki kolom atribut (segmen, perangkat, kampanye…) untuk dibandingkan.",
        "pl": "Ten zbiór nie ma kolumny atrybutu (segment, urządzenie, kampania…) do porównania.",
    },
    "maps.compare.period_a": {"en": "Period A", "id": "Periode A", "pl": "Okres A"},
    "maps.compare.period_b": {"en": "Period B", "id": "Periode B", "pl": "Okres B"},
    "maps.compare.pick_dates": {
        "en": "Pick a start and an end date for both periods.",
        "id": "Pilih tanggal awal dan akhir untuk kedua periode.",
        "pl": "Wybierz datę początku i końca obu okresów.",
    },
    "maps.compare.customers": {"en": "{n} customers", "id": "{n} pelanggan", "pl": "{n} klientów"},
    "maps.compare.empty_group": {
        "en": "No customer in this group.",
        "id": "Tidak ada pelanggan di kelompok ini.",
        "pl": "Brak klientów w tej grupie.",
    },
    "maps.compare.diff": {
        "en": "Difference in transition share",
        "id": "Selisih porsi transisi",
        "pl": "Różnica udziału przejść",
    },
    "maps.compare.diff_intro": {
        "en": "Share of each group's transitions taken by an edge: {a} minus {b}. Bars to the right: the step is more common in {a}.",
        "id": "Porsi transisi tiap kelompok pada sebuah garis: {a} dikurangi {b}. Batang ke kanan: langkah ini lebih umum di {a}.",
        "pl": "Udział krawędzi w przejściach każdej grupy: {a} minus {b}. Słupki w prawo: krok częstszy w grupie {a}.",
    },
    "maps.compare.no_transitions": {
        "en": "Neither group has a transition to compare.",
        "id": "Tidak ada transisi untuk dibandingkan.",
        "pl": "Żadna grupa nie ma przejść do porównania.",
    },
    # -- Funnels ---------------------------------------------------------------------------
    "maps.funnels.title": {
        "en": "Funnels & drop-off",
        "id": "Funnel & drop-off",
        "pl": "Lejki i odpływ",
    },
    "maps.funnels.intro": {
        "en": "Customers count at a stage when they reach it after the previous one, not necessarily right after.",
        "id": "Pelanggan dihitung pada suatu tahap bila mencapainya setelah tahap sebelumnya, tidak harus langsung.",
        "pl": "Klient liczy się na etapie, gdy dotrze do niego po poprzednim, niekoniecznie bezpośrednio.",
    },
    "maps.funnels.by": {"en": "Stages are", "id": "Tahap berupa", "pl": "Etapy to"},
    "maps.funnels.stages": {
        "en": "Funnel stages, in order",
        "id": "Tahap funnel, berurutan",
        "pl": "Etapy lejka, po kolei",
    },
    "maps.funnels.stages_help": {
        "en": "Stages count in the order you pick them. The default is proposed from the data: the steps most converters take before buying.",
        "id": "Tahap dihitung sesuai urutan pilihan. Bawaan diusulkan dari data: langkah yang paling sering diambil sebelum membeli.",
        "pl": "Etapy liczą się w kolejności wyboru. Domyślne proponuje się z danych: kroki najczęstsze przed zakupem.",
    },
    "maps.funnels.pick_stages": {
        "en": "Pick at least one stage.",
        "id": "Pilih minimal satu tahap.",
        "pl": "Wybierz co najmniej jeden etap.",
    },
    "maps.funnels.entered": {
        "en": "Entered the funnel",
        "id": "Masuk funnel",
        "pl": "Weszło do lejka",
    },
    "maps.funnels.completed": {
        "en": "Reached the last stage",
        "id": "Mencapai tahap akhir",
        "pl": "Doszło do końca",
    },
    "maps.funnels.overall": {
        "en": "Overall conversion",
        "id": "Konversi total",
        "pl": "Konwersja całkowita",
    },
    "maps.funnels.went_instead": {
        "en": "Where dropped customers went instead",
        "id": "Ke mana pelanggan yang keluar pergi",
        "pl": "Dokąd poszli ci, którzy odpadli",
    },
    "maps.funnels.went_instead_intro": {
        "en": "For customers who reached a stage but not the next: their next touchpoint after it.",
        "id": "Untuk pelanggan yang mencapai suatu tahap tetapi tidak tahap berikutnya: titik sentuh berikutnya.",
        "pl": "Dla klientów, którzy doszli do etapu, ale nie do następnego: ich kolejny punkt styku.",
    },
    "maps.funnels.after_stage": {
        "en": "Dropped after stage",
        "id": "Keluar setelah tahap",
        "pl": "Odpadli po etapie",
    },
    "maps.funnels.nobody_dropped": {
        "en": "Nobody dropped out between these stages.",
        "id": "Tidak ada yang keluar di antara tahap ini.",
        "pl": "Nikt nie odpadł między tymi etapami.",
    },
    "maps.funnels.dropoffs": {
        "en": "Biggest drop-off points and what converters do differently",
        "id": "Titik drop-off terbesar dan perbedaan pelanggan yang berkonversi",
        "pl": "Największe punkty odpływu i co robią kupujący",
    },
    "maps.funnels.dropoffs_intro": {
        "en": "Where paths end without a conversion, across all paths: share of the customers who reached the node.",
        "id": "Di mana jalur berakhir tanpa konversi: porsi pelanggan yang mencapai simpul itu.",
        "pl": "Gdzie ścieżki kończą się bez konwersji: udział klientów, którzy dotarli do węzła.",
    },
    "maps.funnels.over_intro": {
        "en": "Touchpoints used by a larger share of converters (before buying) than of non-converters.",
        "id": "Titik sentuh yang dipakai lebih banyak oleh pelanggan berkonversi (sebelum membeli) daripada yang tidak.",
        "pl": "Punkty styku używane przez większy odsetek kupujących (przed zakupem) niż niekupujących.",
    },
    # -- Customer --------------------------------------------------------------------------
    "maps.customer.title": {
        "en": "Customer timeline",
        "id": "Linimasa pelanggan",
        "pl": "Oś czasu klienta",
    },
    "maps.customer.intro": {
        "en": "The single view of one customer: every touchpoint across channels, revenue and conversations.",
        "id": "Tampilan tunggal satu pelanggan: semua titik sentuh lintas saluran, pendapatan, dan percakapan.",
        "pl": "Pełny widok jednego klienta: wszystkie punkty styku, przychód i rozmowy.",
    },
    "maps.customer.search": {
        "en": "Search a customer",
        "id": "Cari pelanggan",
        "pl": "Szukaj klienta",
    },
    "maps.customer.search_hint": {
        "en": "part of a customer id",
        "id": "sebagian id pelanggan",
        "pl": "fragment identyfikatora",
    },
    "maps.customer.pick": {
        "en": "Customer ({n} shown, at most {limit})",
        "id": "Pelanggan ({n} ditampilkan, maks. {limit})",
        "pl": "Klient ({n} pokazanych, maks. {limit})",
    },
    "maps.customer.none_found": {
        "en": "No customer id contains '{query}'.",
        "id": "Tidak ada id pelanggan yang memuat '{query}'.",
        "pl": "Żaden identyfikator nie zawiera '{query}'.",
    },
    "maps.customer.first_seen": {
        "en": "First seen",
        "id": "Pertama terlihat",
        "pl": "Pierwszy kontakt",
    },
    "maps.customer.last_seen": {
        "en": "Last seen",
        "id": "Terakhir terlihat",
        "pl": "Ostatni kontakt",
    },
    "maps.customer.events": {"en": "Touchpoints", "id": "Titik sentuh", "pl": "Punkty styku"},
    "maps.customer.conversions": {"en": "Conversions", "id": "Konversi", "pl": "Konwersje"},
    "maps.customer.revenue": {
        "en": "Lifetime revenue",
        "id": "Pendapatan total",
        "pl": "Przychód łączny",
    },
    "maps.customer.phase": {"en": "Current phase", "id": "Fase saat ini", "pl": "Obecna faza"},
    "maps.customer.last_contact": {
        "en": "Last contact per channel",
        "id": "Kontak terakhir per saluran",
        "pl": "Ostatni kontakt wg kanału",
    },
    "maps.customer.touchpoints": {
        "en": "All {n} touchpoints",
        "id": "Semua {n} titik sentuh",
        "pl": "Wszystkie punkty styku ({n})",
    },
    "maps.customer.transcripts": {"en": "Conversations", "id": "Percakapan", "pl": "Rozmowy"},
    "maps.customer.no_transcripts_loaded": {
        "en": "No transcripts are loaded with this dataset.",
        "id": "Tidak ada transkrip dalam dataset ini.",
        "pl": "Ten zbiór nie ma transkrypcji.",
    },
    "maps.customer.no_transcripts": {
        "en": "No call, chat or email transcripts for {customer}.",
        "id": "Tidak ada transkrip panggilan, chat, atau email untuk {customer}.",
        "pl": "Brak transkrypcji rozmów, czatów ani e-maili dla {customer}.",
    },
    # -- Rules -----------------------------------------------------------------------------
    "maps.rules.title": {"en": "Phases & rules", "id": "Fase & aturan", "pl": "Fazy i reguły"},
    "maps.rules.intro": {
        "en": "How events get their phase, which touchpoints merge, and which team owns each touchpoint. Saved with the dataset.",
        "id": "Cara event mendapat fasenya, titik sentuh mana yang digabung, dan tim pemilik tiap titik sentuh. Disimpan bersama dataset.",
        "pl": "Jak zdarzenia dostają fazę, które punkty styku się scalają i który zespół je prowadzi. Zapisywane z danymi.",
    },
    "maps.rules.phases": {"en": "Phase rules", "id": "Aturan fase", "pl": "Reguły faz"},
    "maps.rules.phases_intro": {
        "en": "Before the first conversion: awareness; the conversion and the onboarding window after it: onboarding; support touches after buying: post-purchase; the rest: engagement. The table below overrides these rules per touchpoint; a phase column in the data overrides both.",
        "id": "Sebelum konversi pertama: kesadaran; konversi dan jendela orientasi sesudahnya: orientasi; kontak dukungan setelah membeli: pasca-pembelian; sisanya: keterlibatan. Tabel di bawah menimpa aturan ini per titik sentuh; kolom fase di data menimpa keduanya.",
        "pl": "Przed pierwszą konwersją: świadomość; konwersja i okno wdrożenia po niej: wdrożenie; kontakty z obsługą po zakupie: po zakupie; reszta: zaangażowanie. Tabela poniżej nadpisuje reguły dla punktów styku; kolumna fazy w danych nadpisuje oba.",
    },
    "maps.rules.onboarding_days": {
        "en": "Onboarding window (days after the first conversion)",
        "id": "Jendela orientasi (hari setelah konversi pertama)",
        "pl": "Okno wdrożenia (dni po pierwszej konwersji)",
    },
    "maps.rules.phase": {"en": "Phase", "id": "Fase", "pl": "Faza"},
    "maps.rules.grouping": {
        "en": "Grouping rules",
        "id": "Aturan pengelompokan",
        "pl": "Reguły grupowania",
    },
    "maps.rules.grouping_intro": {
        "en": "Merge near-duplicate touchpoints: a plain pattern matches any touchpoint containing it (any case); tick 'regex' for a regular expression. The first matching rule wins.",
        "id": "Gabungkan titik sentuh yang mirip: pola biasa cocok dengan titik sentuh yang memuatnya; centang 'regex' untuk ekspresi reguler. Aturan pertama yang cocok berlaku.",
        "pl": "Scal podobne punkty styku: zwykły wzorzec pasuje do każdego, który go zawiera; zaznacz 'regex' dla wyrażenia regularnego. Wygrywa pierwsza pasująca reguła.",
    },
    "maps.rules.pattern": {"en": "Pattern", "id": "Pola", "pl": "Wzorzec"},
    "maps.rules.group": {"en": "Group name", "id": "Nama grup", "pl": "Nazwa grupy"},
    "maps.rules.regex": {"en": "regex", "id": "regex", "pl": "regex"},
    "maps.rules.preview": {
        "en": "Preview: the touchpoints each rule catches, with their events.",
        "id": "Pratinjau: titik sentuh yang ditangkap setiap aturan, beserta jumlah event.",
        "pl": "Podgląd: punkty styku łapane przez każdą regułę i ich zdarzenia.",
    },
    "maps.rules.teams": {
        "en": "Touchpoint owners",
        "id": "Pemilik titik sentuh",
        "pl": "Właściciele punktów styku",
    },
    "maps.rules.teams_intro": {
        "en": "Assign touchpoints to teams for the team views; listed touchpoints override the data's team column.",
        "id": "Tetapkan titik sentuh ke tim untuk tampilan tim; daftar ini menimpa kolom tim di data.",
        "pl": "Przypisz punkty styku do zespołów; lista nadpisuje kolumnę zespołu w danych.",
    },
    "maps.rules.team": {"en": "Team", "id": "Tim", "pl": "Zespół"},
    "maps.rules.save": {"en": "Save rules", "id": "Simpan aturan", "pl": "Zapisz reguły"},
    "maps.rules.unsaved": {
        "en": "You have unsaved changes. The maps use the saved rules until you save.",
        "id": "Ada perubahan yang belum disimpan. Peta memakai aturan tersimpan sampai Anda menyimpan.",
        "pl": "Masz niezapisane zmiany. Mapy używają zapisanych reguł do czasu zapisu.",
    },
    "maps.rules.all_saved": {
        "en": "All rules are saved.",
        "id": "Semua aturan tersimpan.",
        "pl": "Wszystkie reguły zapisane.",
    },
    "maps.rules.saved_workspace": {
        "en": "Rules saved with the dataset in the workspace.",
        "id": "Aturan disimpan bersama dataset di workspace.",
        "pl": "Reguły zapisano ze zbiorem w obszarze roboczym.",
    },
    "maps.rules.saved_session": {
        "en": "Rules applied for this session (save the dataset on the Data page to keep them).",
        "id": "Aturan diterapkan untuk sesi ini (simpan dataset di halaman Data agar tetap ada).",
        "pl": "Reguły zastosowano w tej sesji (zapisz zbiór na stronie Dane, by je zachować).",
    },
    "maps.rules.summary": {
        "en": "Phases with the saved rules",
        "id": "Fase dengan aturan tersimpan",
        "pl": "Fazy według zapisanych reguł",
    },
}
