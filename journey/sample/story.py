"""The sample's story as tables: channels, touches, stage mixes, timing, venues, campaigns."""

from __future__ import annotations

from typing import Final

import pandas as pd

from journey.sample.constants import DAY, HOUR, MINUTE, START

CHANNELS: Final = (
    "Paid Search",
    "Organic Search",
    "Social",
    "Display",
    "TV",
    "Email",
    "Web",
    "App",
    "Push",
    "Call Center",
    "Chat",
    "Store",
)
SEGMENTS: Final = ("Consumer", "SMB", "Enterprise")
SEGMENT_SHARE: Final = (0.62, 0.28, 0.10)
CONVERT_P: Final = (0.31, 0.38, 0.46)
DEVICES: Final = ("desktop", "mobile", "tablet")
DEVICE_P: Final = ((0.30, 0.60, 0.10), (0.62, 0.33, 0.05), (0.80, 0.15, 0.05))
# channels whose events belong to a browsing session (the others have no session_id)
SESSION_CHANNELS: Final = (
    "Paid Search",
    "Organic Search",
    "Social",
    "Display",
    "Web",
    "App",
    "Chat",
)
NO_DEVICE_CHANNELS: Final = ("TV", "Store", "Call Center")
SESSION_GAP: Final = 30 * MINUTE

# (channel, touchpoint, event_type, team): every kind of touch in the data
TOUCHES: Final = (
    ("TV", "TV spot", "impression", "marketing"),
    ("Display", "Display banner", "impression", "marketing"),
    ("Display", "Video ad", "impression", "marketing"),
    ("Display", "Retargeting banner", "click", "marketing"),
    ("Social", "Social ad", "click", "marketing"),
    ("Social", "Social post", "view", "marketing"),
    ("Social", "Influencer video", "view", "marketing"),
    ("Organic Search", "Organic result", "click", "marketing"),
    ("Organic Search", "Blog article", "view", "marketing"),
    ("Paid Search", "Search ad", "click", "marketing"),
    ("Paid Search", "Brand search ad", "click", "marketing"),
    ("Web", "Homepage", "view", "product"),
    ("Web", "Product page", "view", "product"),
    ("Web", "Pricing page", "view", "product"),
    ("Web", "Reviews page", "view", "product"),
    ("Web", "Comparison page", "view", "product"),
    ("Web", "Case study", "view", "sales"),
    ("Web", "Add to cart", "add_to_cart", "product"),
    ("Web", "Checkout", "checkout", "product"),
    ("Web", "Order placed", "purchase", "sales"),
    ("Web", "Setup guide", "view", "product"),
    ("Web", "Help center", "support_contact", "service"),
    ("Web", "Returns portal", "support_contact", "service"),
    ("App", "App home", "view", "product"),
    ("App", "Add to cart", "add_to_cart", "product"),
    ("App", "Checkout", "checkout", "product"),
    ("App", "In-app purchase", "purchase", "sales"),
    ("App", "App install", "app_install", "product"),
    ("Email", "Newsletter", "email_open", "marketing"),
    ("Web", "Newsletter sign-up", "sign_up", "marketing"),
    ("Email", "Promo email", "email_click", "marketing"),
    ("Email", "Cart reminder email", "email_click", "marketing"),
    ("Email", "Order confirmation", "email_sent", "sales"),
    ("Email", "Welcome email", "email_open", "marketing"),
    ("Email", "Onboarding email", "email_open", "product"),
    ("Email", "Loyalty offer", "email_click", "marketing"),
    ("Email", "Support email", "support_contact", "service"),
    ("Push", "Push reminder", "push_open", "marketing"),
    ("Push", "Push offer", "push_open", "marketing"),
    ("Call Center", "Sales call", "call", "sales"),
    ("Call Center", "Demo call", "call", "sales"),
    ("Call Center", "Phone order", "purchase", "sales"),
    ("Call Center", "Support call", "support_contact", "service"),
    ("Chat", "Chatbot", "chat", "service"),
    ("Chat", "Live chat", "chat", "service"),
    ("Store", "Store visit", "visit", "sales"),
    ("Store", "Store purchase", "purchase", "sales"),
    ("Store", "Returns desk", "support_contact", "service"),
)
KEY: Final = {f"{c}|{t}": i for i, (c, t, _e, _m) in enumerate(TOUCHES)}

# Stages of a purchase cycle, in journey order; post-purchase stages hang off the purchase time.
OPEN, AWARE, CONSIDER, ABANDON, REMIND, CLOSE, PREP, BUY = range(8)
CONFIRM, ONBOARD, SUPPORT, ENGAGE, NURTURE, NEWS = range(8, 14)
# the monthly newsletter goes out on the first Thursday of each month at 09:00 UTC
NEWSLETTER_SENDS: Final = tuple(
    int((pd.Timestamp(f"2025-{m:02d}-{d:02d}T09:00:00Z") - START).total_seconds())
    for m, d in ((1, 2), (2, 6), (3, 6), (4, 3), (5, 1), (6, 5), (7, 3))
)

# Per stage, per segment (Consumer, SMB, Enterprise): {touch key: weight}
MIX: Final[dict[int, tuple[dict[str, float], ...]]] = {
    OPEN: (
        {
            "TV|TV spot": 3.0,
            "Display|Display banner": 3.0,
            "Display|Video ad": 1.5,
            "Social|Social ad": 3.0,
            "Social|Influencer video": 1.5,
            "Organic Search|Organic result": 1.5,
            "Paid Search|Search ad": 1.0,
        },
        {
            "Display|Display banner": 2.0,
            "TV|TV spot": 1.0,
            "Social|Social ad": 1.5,
            "Organic Search|Organic result": 3.0,
            "Organic Search|Blog article": 2.5,
            "Paid Search|Search ad": 2.0,
        },
        {
            "TV|TV spot": 3.0,
            "Display|Display banner": 2.5,
            "Display|Video ad": 1.0,
            "Organic Search|Blog article": 2.0,
            "Organic Search|Organic result": 1.5,
            "Paid Search|Search ad": 0.8,
        },
    ),
    AWARE: (
        {
            "Social|Social post": 3.0,
            "Social|Social ad": 2.0,
            "Display|Display banner": 2.0,
            "Display|Retargeting banner": 1.0,
            "TV|TV spot": 1.5,
            "Paid Search|Search ad": 2.5,
            "Organic Search|Organic result": 1.5,
            "Social|Influencer video": 1.0,
        },
        {
            "Paid Search|Search ad": 3.0,
            "Organic Search|Organic result": 2.0,
            "Organic Search|Blog article": 2.0,
            "Social|Social post": 1.0,
            "Display|Display banner": 1.5,
            "Display|Retargeting banner": 1.0,
            "Display|Video ad": 0.5,
        },
        {
            "Organic Search|Organic result": 2.0,
            "Organic Search|Blog article": 2.0,
            "Display|Display banner": 2.0,
            "TV|TV spot": 1.5,
            "Paid Search|Search ad": 1.5,
            "Display|Video ad": 1.0,
        },
    ),
    CONSIDER: (
        {
            "Web|Homepage": 3.0,
            "Web|Product page": 4.0,
            "Web|Reviews page": 2.0,
            "Web|Pricing page": 1.5,
            "Web|Comparison page": 0.5,
            "App|App home": 1.5,
            "Chat|Chatbot": 0.9,
            "Chat|Live chat": 0.5,
            "Store|Store visit": 0.8,
        },
        {
            "Web|Homepage": 2.0,
            "Web|Product page": 3.0,
            "Web|Pricing page": 3.0,
            "Web|Comparison page": 2.0,
            "Web|Case study": 1.0,
            "Chat|Live chat": 1.4,
            "Chat|Chatbot": 0.5,
            "Call Center|Sales call": 0.5,
        },
        {
            "Web|Pricing page": 2.0,
            "Web|Product page": 2.0,
            "Web|Case study": 2.5,
            "Web|Comparison page": 1.0,
            "Call Center|Sales call": 2.5,
            "Call Center|Demo call": 1.5,
            "Store|Store visit": 1.5,
            "Chat|Live chat": 0.8,
        },
    ),
    REMIND: (
        {
            "Email|Cart reminder email": 3.0,
            "Display|Retargeting banner": 2.0,
            "Push|Push reminder": 1.5,
        },
        {"Email|Cart reminder email": 4.0, "Display|Retargeting banner": 2.0},
        {
            "Email|Cart reminder email": 2.0,
            "Call Center|Sales call": 2.0,
            "Display|Retargeting banner": 1.0,
        },
    ),
    CLOSE: (
        {
            "Paid Search|Brand search ad": 4.0,
            "Email|Promo email": 3.0,
            "Push|Push offer": 1.5,
            "Display|Retargeting banner": 0.8,
            "Social|Social ad": 0.5,
        },
        {
            "Paid Search|Brand search ad": 4.0,
            "Email|Promo email": 3.0,
            "Paid Search|Search ad": 1.0,
            "Chat|Live chat": 0.5,
        },
        {
            "Call Center|Sales call": 3.0,
            "Paid Search|Brand search ad": 1.5,
            "Email|Promo email": 1.5,
            "Call Center|Demo call": 1.0,
        },
    ),
    SUPPORT: (
        {
            "Call Center|Support call": 2.0,
            "Chat|Live chat": 2.5,
            "Chat|Chatbot": 2.5,
            "Email|Support email": 1.2,
            "Web|Help center": 1.8,
            "Web|Returns portal": 0.7,
            "Store|Returns desk": 0.6,
        },
        {
            "Call Center|Support call": 2.5,
            "Chat|Live chat": 2.5,
            "Chat|Chatbot": 1.0,
            "Email|Support email": 2.0,
            "Web|Help center": 1.4,
            "Web|Returns portal": 0.4,
            "Store|Returns desk": 0.3,
        },
        {
            "Call Center|Support call": 4.0,
            "Chat|Live chat": 1.5,
            "Email|Support email": 2.0,
            "Web|Help center": 0.6,
            "Store|Returns desk": 0.8,
            "Chat|Chatbot": 0.3,
        },
    ),
    ENGAGE: (
        {
            "Email|Loyalty offer": 1.5,
            "Push|Push offer": 1.2,
            "App|App home": 2.0,
            "Web|Product page": 1.0,
            "Email|Promo email": 1.5,
            "Social|Social post": 0.7,
        },
        {
            "Email|Loyalty offer": 1.0,
            "Web|Product page": 1.5,
            "Web|Pricing page": 0.8,
            "Email|Promo email": 1.5,
            "App|App home": 0.6,
        },
        {
            "Web|Case study": 1.0,
            "Call Center|Sales call": 1.0,
            "Email|Promo email": 1.0,
            "Web|Pricing page": 0.8,
        },
    ),
    NURTURE: (
        {
            "Email|Promo email": 2.0,
            "Display|Retargeting banner": 2.0,
            "Push|Push offer": 0.5,
            "Social|Social post": 1.0,
        },
        {
            "Email|Promo email": 2.0,
            "Display|Retargeting banner": 1.5,
            "Organic Search|Blog article": 1.0,
        },
        {
            "Email|Promo email": 1.0,
            "Display|Retargeting banner": 1.0,
            "Call Center|Sales call": 1.0,
        },
    ),
}

# Where a purchase happens, per segment: web, app, store, phone
VENUES: Final = ("web", "app", "store", "phone")
VENUE_P: Final = ((0.60, 0.28, 0.12, 0.0), (0.72, 0.05, 0.08, 0.15), (0.25, 0.0, 0.25, 0.50))
PREP_SEQ: Final = (
    ("Web|Add to cart", "Web|Checkout"),
    ("App|Add to cart", "App|Checkout"),
    ("Store|Store visit",),
    ("Call Center|Sales call",),
)
BUY_KEY: Final = (
    "Web|Order placed",
    "App|In-app purchase",
    "Store|Store purchase",
    "Call Center|Phone order",
)
VENUE_REVENUE: Final = (1.0, 0.85, 1.15, 1.3)
SEGMENT_REVENUE: Final = (70.0, 380.0, 2600.0)  # median order value
APP_INSTALL_P: Final = (0.65, 0.35, 0.2)

# Stage timing: (probability of a short gap, short mean, long mean), gaps before each event.
GAPS: Final = {
    AWARE: (0.2, 20 * MINUTE, 3.0 * DAY),
    CONSIDER: (0.7, 4 * MINUTE, 1.5 * DAY),
    ABANDON: (1.0, 3 * MINUTE, 0.0),
    REMIND: (0.0, 0.0, 10 * HOUR),
    CLOSE: (0.2, 1 * HOUR, 2.0 * DAY),
    PREP: (1.0, 3 * MINUTE, 0.0),
    BUY: (1.0, 4 * MINUTE, 0.0),
}

# Campaigns: (touch key, campaign) fixed, else a seasonal campaign for paid media
FIXED_CAMPAIGN: Final = {
    "Paid Search|Brand search ad": "Brand Always-On",
    "Display|Retargeting banner": "Retargeting",
    "Email|Cart reminder email": "Cart Recovery",
    "Push|Push reminder": "Cart Recovery",
    "Email|Welcome email": "Welcome Series",
    "Email|Onboarding email": "Welcome Series",
    "Email|Newsletter": "Monthly Newsletter",
    "Email|Loyalty offer": "Loyalty Club",
    "Social|Influencer video": "Creator Collab",
}
SEASONAL_KEYS: Final = (
    "TV|TV spot",
    "Display|Display banner",
    "Display|Video ad",
    "Social|Social ad",
    "Paid Search|Search ad",
    "Email|Promo email",
    "Push|Push offer",
)
# month 1..7 -> campaign
SEASONS: Final = (
    "New Year Deals",
    "New Year Deals",
    "Spring Sale",
    "Spring Sale",
    "Summer Launch",
    "Summer Launch",
    "Summer Launch",
)
