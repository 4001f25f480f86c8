"""UI text of the navigation menu: page titles and sections."""

TEXT: dict[str, dict[str, str]] = {
    "nav.overview": {"en": "Overview", "id": "Ringkasan", "pl": "Przegląd"},
    "nav.page.data": {"en": "Data", "id": "Data", "pl": "Dane"},
    "nav.rules": {"en": "Phases & rules", "id": "Fase & aturan", "pl": "Fazy i reguły"},
    "nav.journey-map": {"en": "Journey map", "id": "Peta perjalanan", "pl": "Mapa ścieżek"},
    "nav.network": {"en": "Network map", "id": "Peta jaringan", "pl": "Mapa sieci"},
    "nav.compare": {"en": "Compare segments", "id": "Bandingkan segmen", "pl": "Porównaj segmenty"},
    "nav.funnels": {"en": "Funnels & drop-off", "id": "Funnel & drop-off", "pl": "Lejki i odpływ"},
    "nav.customer": {
        "en": "Customer timeline",
        "id": "Linimasa pelanggan",
        "pl": "Oś czasu klienta",
    },
    "nav.attribution": {"en": "Attribution", "id": "Atribusi", "pl": "Atrybucja"},
    "nav.metrics": {"en": "Channel metrics", "id": "Metrik saluran", "pl": "Metryki kanałów"},
    "nav.sentiment": {"en": "Sentiment", "id": "Sentimen", "pl": "Sentyment"},
    "nav.section.Start": {"en": "Start", "id": "Mulai", "pl": "Start"},
    "nav.section.Journeys": {"en": "Journeys", "id": "Perjalanan", "pl": "Ścieżki"},
    "nav.section.Channels": {"en": "Channels", "id": "Saluran", "pl": "Kanały"},
    "nav.section.Voice of customer": {
        "en": "Voice of customer",
        "id": "Suara pelanggan",
        "pl": "Głos klienta",
    },
}
