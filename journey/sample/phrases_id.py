"""Indonesian phrase pools of the sample transcripts (data only)."""

from __future__ import annotations

from typing import Final

from journey.sample.constants import NEG, NEU, POS

PHRASES: Final = {
    "open": {
        NEG: (
            "Kecewa banget sama pelayanannya.",
            "Ini sudah keterlaluan!",
            "Parah sih ini.",
            "Saya sangat kecewa.",
            "Tolong ya, ini sudah kesekian kalinya.",
        ),
        NEU: ("Halo kak,", "Selamat pagi.", "Permisi min,", "Halo,", "Selamat siang,", "Sore kak,"),
        POS: ("Halo kak, semoga sehat selalu :)", "Selamat pagi kak!", "Halo min, salam kenal!"),
    },
    "issue": {
        "delivery": (
            "Pesanan saya belum sampai sudah seminggu.",
            "Paket {order} belum datang, sudah {days} hari.",
            "Status pengiriman {order} tidak berubah sejak hari {weekday_id}.",
            "Kurirnya bilang sudah diantar tapi paketnya tidak ada.",
        ),
        "double_charge": (
            "Saya kena tagihan dua kali untuk pesanan {order}.",
            "Saldo saya terpotong dua kali, masing-masing {amount_idr}.",
        ),
        "refund": (
            "Dana refund untuk {order} belum masuk juga.",
            "Kapan uang saya dikembalikan? Barang sudah saya retur {days} hari lalu.",
        ),
        "password": (
            "Saya tidak bisa login, link reset password tidak berfungsi.",
            "Email reset kata sandi tidak pernah masuk.",
        ),
        "product_question": (
            "Apakah {product} bisa dipakai dengan Google Home?",
            "Bedanya {product} dan {product2} apa ya?",
            "{product} ada warna putih tidak?",
            "Kalau beli {n} unit {product} ada diskon?",
        ),
        "praise": ("Mau bilang {product} nya bagus banget.", "Pengirimannya cepat sekali, mantap."),
        "cancellation": (
            "Saya mau batalkan langganan Lumio Plus.",
            "Tolong batalkan pesanan {order}, saya salah pilih.",
        ),
        "on_hold": (
            "Saya sudah menunggu {minutes} menit di telepon.",
            "Dari tadi ditahan terus, sudah {minutes} menit.",
        ),
        "upgrade": (
            "Saya mau upgrade ke Lumio Plus, berapa biayanya?",
            "Bisa pindah ke paket tahunan?",
        ),
        "device_fault": (
            "{product} saya sering putus dari wifi.",
            "{product} tidak mau menyala setelah update.",
        ),
        "invoice": (
            "Saya butuh faktur untuk pesanan {order}.",
            "Nama perusahaan di faktur {order} salah.",
        ),
        "return": (
            "Bagaimana cara retur {product}? Barangnya rusak waktu datang.",
            "Mau retur pesanan {order}, kardusnya penyok.",
        ),
    },
    "tail": {
        NEG: ("Tolong segera!", "Mengecewakan sekali.", ""),
        NEU: ("", "Mohon dicek ya.", "Terima kasih."),
        POS: ("", "Makasih kak :)"),
    },
    "detail": (
        "Nomor pesanan saya {order}.",
        "Email akun saya {email}.",
        "Belinya tanggal {day_id}.",
    ),
    "react": {
        NEG: (
            "Dari kemarin jawabannya begitu terus.",
            "Tolong segera diproses, saya sudah menunggu lama!",
            "Tidak membantu sama sekali.",
            "Sudah saya coba, tetap tidak bisa.",
        ),
        NEU: (
            "Oke kak.",
            "Baik, nomor pesanan saya {order}.",
            "Sebentar saya cek dulu.",
            "Iya kak.",
            "Sudah kak.",
        ),
        POS: ("Wah, bagus kalau begitu!", "Oke sudah bisa, makasih kak.", "Sip, berhasil!"),
    },
    "close": {
        POS: (
            "Terima kasih, sangat membantu!",
            "Mantap, cepat sekali responnya. Makasih kak!",
            "Oke makasih banyak kak 🙏",
            "Terima kasih banyak, masalahnya sudah beres.",
        ),
        NEU: ("Baik, saya tunggu kabarnya.", "Oke kak, saya tunggu.", "Baik."),
        NEG: (
            "Sudahlah, saya batalkan saja.",
            "Pelayanan buruk, saya kecewa berat.",
            "Tidak akan belanja di sini lagi.",
        ),
    },
    "sign": {NEG: ("{name}",), NEU: ("Salam, {name}",), POS: ("Terima kasih, {name}",)},
    "greet_call": ("Selamat datang di layanan Lumio, saya {agent}. Ada yang bisa dibantu?",),
    "greet_chat": ("Halo kak, dengan {agent} di sini.", "Hai kak, saya {agent} dari Lumio."),
    "greet_email": ("Halo {name}, terima kasih sudah menghubungi Lumio.",),
    "sign_agent": ("Salam, {agent} - Lumio Customer Care",),
    "empathy": (
        "Mohon maaf atas ketidaknyamanannya, kak.",
        "Kami mohon maaf atas keterlambatannya.",
    ),
    "ask": ("Boleh minta nomor pesanannya, kak?", "Boleh dibantu email akunnya, kak?"),
    "agent_close": ("Terima kasih sudah menghubungi Lumio.", "Ada lagi yang bisa dibantu, kak?"),
    "fail": (
        "Mohon maaf kak, untuk saat ini belum bisa kami proses.",
        "Kasus kakak sudah kami eskalasi, mohon ditunggu 3x24 jam ya.",
    ),
    "bot_greet": ("Hai! Saya asisten virtual Lumio. Ada yang bisa saya bantu?",),
    "bot_miss": ("Maaf, saya belum mengerti. Maksud kakak: Lacak pesanan?",),
    "bot_handoff": ("Saya sambungkan ke agen kami ya.",),
    "action": (
        "Baik kak, saya cek dulu ya.",
        "Dana akan dikembalikan dalam 3-5 hari kerja.",
        "Pesanan kakak sedang dikirim ulang hari ini.",
        "Link reset sudah kami kirim ulang ke email kakak.",
        "Sudah saya teruskan ke tim teknis, nomor tiket {ticket}.",
        "Lumio Plus harganya {price_idr} per bulan.",
    ),
}
