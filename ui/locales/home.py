"""UI text of the Overview page."""

TEXT: dict[str, dict[str, str]] = {
    "home.title": {"en": "Journey Atlas", "id": "Journey Atlas", "pl": "Journey Atlas"},
    "home.tagline": {
        "en": "Customer journeys across every channel: phases, maps, funnels, attribution and the voice of the customer.",
        "id": "Perjalanan pelanggan di semua saluran: fase, peta, funnel, atribusi, dan suara pelanggan.",
        "pl": "Ścieżki klientów we wszystkich kanałach: fazy, mapy, lejki, atrybucja i głos klienta.",
    },
    "home.customers": {"en": "Customers", "id": "Pelanggan", "pl": "Klienci"},
    "home.events": {"en": "Touchpoints", "id": "Titik sentuh", "pl": "Punkty styku"},
    "home.conversions": {"en": "Conversions", "id": "Konversi", "pl": "Konwersje"},
    "home.conversion_rate": {
        "en": "Customers converting",
        "id": "Pelanggan berkonversi",
        "pl": "Klienci z konwersją",
    },
    "home.revenue": {"en": "Revenue", "id": "Pendapatan", "pl": "Przychód"},
    "home.span": {
        "en": "From {first} to {last} across {channels} channels.",
        "id": "Dari {first} sampai {last} di {channels} saluran.",
        "pl": "Od {first} do {last} w {channels} kanałach.",
    },
    "home.by_channel": {
        "en": "Touchpoints by channel",
        "id": "Titik sentuh per saluran",
        "pl": "Punkty styku wg kanału",
    },
    "home.phases": {"en": "Journey phases", "id": "Fase perjalanan", "pl": "Fazy ścieżki"},
    "home.share": {"en": "Share of customers", "id": "Porsi pelanggan", "pl": "Udział klientów"},
    "home.median_days": {
        "en": "Median days in phase",
        "id": "Median hari di fase",
        "pl": "Mediana dni w fazie",
    },
    "home.next": {"en": "Explore", "id": "Jelajahi", "pl": "Przeglądaj"},
    "home.link_map": {"en": "Journey map", "id": "Peta perjalanan", "pl": "Mapa ścieżek"},
    "home.link_funnels": {
        "en": "Funnels & drop-off",
        "id": "Funnel & drop-off",
        "pl": "Lejki i odpływ",
    },
    "home.link_attribution": {"en": "Attribution", "id": "Atribusi", "pl": "Atrybucja"},
    "home.link_sentiment": {"en": "Sentiment", "id": "Sentimen", "pl": "Sentyment"},
}
