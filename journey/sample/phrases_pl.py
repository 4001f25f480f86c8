"""Polish phrase pools of the sample transcripts (data only)."""

from __future__ import annotations

from typing import Final

from journey.sample.constants import NEG, NEU, POS

PHRASES: Final = {
    "open": {
        NEG: ("To jest skandal!", "Jestem bardzo niezadowolony.", "Mam dość tego czekania."),
        NEU: ("Dzień dobry,", "Witam,", "Dzień dobry.", "Cześć,"),
        POS: ("Dzień dobry, miłego dnia :)", "Dzień dobry, z góry dziękuję!"),
    },
    "issue": {
        "delivery": (
            "Zamówienie nie dotarło.",
            "Zamówienie {order} nie dotarło, czekam już {days} dni.",
            "Kurier twierdzi, że paczka dostarczona, ale jej nie ma.",
        ),
        "double_charge": (
            "Zostałem obciążony dwa razy za zamówienie {order}.",
            "Pobrano ode mnie dwa razy {amount_pln}.",
        ),
        "refund": (
            "Nadal nie dostałam zwrotu pieniędzy za {order}.",
            "Kiedy dostanę zwrot za {product}?",
        ),
        "password": ("Nie mogę się zalogować do konta.", "Link do resetu hasła nie działa."),
        "product_question": (
            "Czy {product} działa z Google Home?",
            "Czym różni się {product} od {product2}?",
        ),
        "praise": ("Chciałem tylko powiedzieć, że {product} działa świetnie.",),
        "cancellation": (
            "Chcę anulować subskrypcję Lumio Plus.",
            "Proszę anulować zamówienie {order}.",
        ),
        "on_hold": ("Czekałem na linii {minutes} minut.",),
        "upgrade": ("Ile kosztuje przejście na Lumio Plus?",),
        "device_fault": (
            "{product} ciągle traci połączenie z wifi.",
            "{product} przestał działać po aktualizacji.",
        ),
        "invoice": ("Potrzebuję faktury VAT do zamówienia {order}.",),
        "return": ("Jak zwrócić {product}? Przyszedł uszkodzony.",),
    },
    "tail": {
        NEG: ("Proszę to natychmiast załatwić!", ""),
        NEU: ("", "Proszę o sprawdzenie."),
        POS: ("", "Pozdrawiam serdecznie!"),
    },
    "detail": ("Numer zamówienia to {order}.", "Mój e-mail to {email}."),
    "react": {
        NEG: ("To w ogóle nie pomaga.", "Już to robiłem dwa razy!", "Znowu to samo."),
        NEU: ("Dobrze.", "Numer zamówienia to {order}.", "Chwileczkę.", "Rozumiem."),
        POS: ("Super, działa!", "Świetnie, dziękuję."),
    },
    "close": {
        POS: (
            "Dziękuję, wszystko działa.",
            "Bardzo dziękuję za szybką pomoc!",
            "Dziękuję, problem rozwiązany.",
        ),
        NEU: ("Dobrze, poczekam na maila.", "Ok, dziękuję.", "W porządku."),
        NEG: (
            "Nadal nic nie działa, rezygnuję.",
            "Fatalna obsługa.",
            "Nigdy więcej nie kupię w Lumio.",
        ),
    },
    "sign": {
        NEG: ("{name}",),
        NEU: ("Pozdrawiam, {name}",),
        POS: ("Dziękuję i pozdrawiam, {name}",),
    },
    "greet_call": ("Dzień dobry, z tej strony {agent}, obsługa klienta Lumio. W czym mogę pomóc?",),
    "greet_chat": ("Dzień dobry, z tej strony {agent}.", "Witam, {agent} z Lumio."),
    "greet_email": ("Dzień dobry, dziękujemy za wiadomość.",),
    "sign_agent": ("Pozdrawiam, {agent}, Lumio",),
    "empathy": ("Przepraszam za utrudnienia.", "Bardzo mi przykro z tego powodu."),
    "ask": ("Czy mogę prosić o numer zamówienia?",),
    "agent_close": ("Dziękuję za kontakt z Lumio.", "Czy mogę jeszcze w czymś pomóc?"),
    "fail": (
        "Niestety nie mogę tego teraz zmienić.",
        "Przekazałam sprawę dalej, odpowiedź może potrwać do 10 dni roboczych.",
    ),
    "bot_greet": ("Cześć! Jestem asystentem Lumio. W czym mogę pomóc?",),
    "bot_miss": ("Przepraszam, nie zrozumiałem. Czy chodzi o: Śledź zamówienie?",),
    "bot_handoff": ("Łączę z konsultantem.",),
    "action": (
        "Sprawdzam to dla Pana.",
        "Zwrot pojawi się na koncie w ciągu 3-5 dni roboczych.",
        "Wysłałam nowy link do resetu hasła.",
        "Paczka zostanie wysłana ponownie jeszcze dziś.",
        "Zgłoszenie ma numer {ticket}, technik się odezwie.",
    ),
}
