"""Texts that WhatsApp writes into chat exports itself, in the languages this reader supports.

WhatsApp translates every generated text (media placeholders, the deleted and edited
markers, system notices, the export's file name) into the phone's language at export
time. The tables below hold the forms seen in exports of WhatsApp for Android and iOS.
They are compared after `fold`: NFC, case-folded, bidirectional marks removed, spaces
unified. A language missing here degrades gently: an unknown placeholder stays plain
message text, an unknown notice with a `Name:` part stays a message.

NOTE: the English and German forms are those of the acceptance cases and public bug
reports; the forms of the other languages, most of all ru, ja, ko and ar, are
unverified against real exports of those languages.
"""

from __future__ import annotations

import re
import unicodedata

# Invisible direction marks that WhatsApp puts around generated text, phone numbers and,
# in right-to-left locales, between the fields of the header: LRM, RLM, ALM, the
# embedding and isolate controls, and a stray BOM.
BIDI_MARKS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"

# Spaces WhatsApp writes instead of U+0020: NBSP inside "p. m.", NNBSP before AM/PM
# in newer exports, thin and figure spaces in some locales.
ODD_SPACES = "\u00a0\u202f\u2009\u2007"

_UNMARK_TABLE = str.maketrans({**{c: None for c in BIDI_MARKS}, **{c: " " for c in ODD_SPACES}})


_MARK_OR_ODD_SPACE = re.compile(f"[{BIDI_MARKS}{ODD_SPACES}]")


def unmark(text: str) -> str:
    """Return `text` without direction marks and with odd spaces as plain spaces."""
    if _MARK_OR_ODD_SPACE.search(text) is None:
        return text
    return text.translate(_UNMARK_TABLE)


def fold(text: str) -> str:
    """Return `text` in the form the phrase tables use: NFC, unmarked, stripped, case-folded."""
    return unicodedata.normalize("NFC", unmark(text)).strip().casefold()


# "<Media omitted>": one placeholder line per media message in an export "without media"
# from Android.
MEDIA_OMITTED = frozenset(
    fold(text)
    for text in (
        "<Media omitted>",
        "<Medien ausgeschlossen>",
        "<Médias omis>",
        "<Multimedia omitido>",
        "<Archivo omitido>",
        "<Mídia oculta>",
        "<Arquivo de mídia oculto>",
        "<Media omessi>",
        "<Media weggelaten>",
        "<Без медиафайлов>",
        "<メディアなし>",
        "<미디어 없음>",
        "<تم استبعاد الوسائط>",
    )
)

# Words that mark a placeholder or an iOS "image omitted" line in any of the languages
# above, for the variants (view-once media, stickers, documents) not listed one by one.
OMITTED_WORDS = frozenset(
    (
        "omitted",
        "ausgeschlossen",
        "weggelassen",
        "omis",
        "omise",
        "omises",
        "absent",
        "absente",
        "omitido",
        "omitida",
        "oculto",
        "oculta",
        "ocultado",
        "ocultada",
        "omesso",
        "omessa",
        "omessi",
        "weggelaten",
        "отсутствует",
        "省略されました",
        "생략됨",
        "محذوف",
    )
)

# iOS exports without media write one of these, usually after an LRM.
MEDIA_OMITTED_IOS = frozenset(
    fold(text)
    for text in (
        "image omitted",
        "video omitted",
        "audio omitted",
        "sticker omitted",
        "GIF omitted",
        "document omitted",
        "Contact card omitted",
        "Bild weggelassen",
        "Video weggelassen",
        "Audio weggelassen",
        "Sticker weggelassen",
        "GIF weggelassen",
        "Dokument weggelassen",
        "imagen omitida",
        "video omitido",
        "audio omitido",
        "sticker omitido",
        "image absente",
        "vidéo absente",
        "audio omis",
        "imagem ocultada",
        "vídeo omitido",
        "áudio ocultado",
        "immagine omessa",
        "video omesso",
        "audio omesso",
        "afbeelding weggelaten",
        "video weggelaten",
        "audio weggelaten",
        "изображение отсутствует",
        "видео отсутствует",
        "аудио отсутствует",
    )
)

# The label after an attachment's file name in an Android export "with media":
# "IMG-20210404-WA0003.jpg (file attached)".
ATTACHED_LABELS = frozenset(
    fold(text)
    for text in (
        "file attached",
        "Datei angehängt",
        "fichier joint",
        "archivo adjunto",
        "arquivo anexado",
        "file allegato",
        "bestand bijgevoegd",
        "файл прикреплен",
        "файл прикреплён",
        "ファイル添付",
        "파일 첨부",
        "ملف مرفق",
    )
)

# The label inside an iOS attachment marker: "<attached: 00000012-PHOTO-....jpg>".
ATTACHED_LABELS_IOS = frozenset(
    fold(text)
    for text in (
        "attached",
        "Anhang",
        "angehängt",
        "pièce jointe",
        "adjunto",
        "anexado",
        "anexo",
        "allegato",
        "bijgevoegd",
        "вложение",
        "添付",
        "첨부",
        "مرفق",
    )
)

# The whole text of a message deleted for everyone, as the other side and as the sender
# see it; iOS adds a full stop.
DELETED_TEXTS = frozenset(
    fold(text)
    for text in (
        "This message was deleted",
        "You deleted this message",
        "Diese Nachricht wurde gelöscht",
        "Du hast diese Nachricht gelöscht",
        "Ce message a été supprimé",
        "Vous avez supprimé ce message",
        "Se eliminó este mensaje",
        "Eliminaste este mensaje",
        "Este mensaje fue eliminado",
        "Esta mensagem foi apagada",
        "Você apagou esta mensagem",
        "Mensagem apagada",
        "Questo messaggio è stato eliminato",
        "Hai eliminato questo messaggio",
        "Dit bericht is verwijderd",
        "Je hebt dit bericht verwijderd",
        "U heeft dit bericht verwijderd",
        "Данное сообщение удалено",
        "Это сообщение удалено",
        "Вы удалили данное сообщение",
        "Вы удалили это сообщение",
        "このメッセージは削除されました",
        "メッセージを削除しました",
        "삭제된 메시지입니다",
        "메시지를 삭제했습니다",
        "تم حذف هذه الرسالة",
        "لقد حذفت هذه الرسالة",
    )
)

# The suffix WhatsApp appends to an edited message: "text <This message was edited>".
EDITED_MARKERS = frozenset(
    fold(text)
    for text in (
        "<This message was edited>",
        "<Diese Nachricht wurde bearbeitet>",
        "<Ce message a été modifié>",
        "<Se editó este mensaje.>",
        "<Se editó este mensaje>",
        "<Mensagem editada>",
        "<Esta mensagem foi editada>",
        "<Questo messaggio è stato modificato>",
        "<Dit bericht is bewerkt>",
        "<Сообщение изменено>",
        "<このメッセージは編集されました>",
        "<수정됨>",
        "<تم تعديل هذه الرسالة>",
    )
)

# Stems that identify an edited marker in a language not listed above.
EDITED_WORDS = ("edited", "bearbeitet", "modifié", "editó", "editada", "modificato", "bewerkt", "изменено", "編集", "수정", "تعديل")

# Notices that a system line starts with and no person would send: the end-to-end
# encryption banner of each language. In iOS exports they carry the contact's or
# group's name as if it sent them.
ENCRYPTION_NOTICES = tuple(
    fold(text)
    for text in (
        "Messages and calls are end-to-end encrypted",
        "Messages to this group are now secured with end-to-end encryption",
        "Messages to this chat and calls are now secured with end-to-end encryption",
        "Messages you send to this chat and calls are now secured with end-to-end encryption",
        "Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt",
        "Les messages et les appels sont chiffrés de bout en bout",
        "Los mensajes y las llamadas están cifrados de extremo a extremo",
        "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta",
        "I messaggi e le chiamate sono crittografati end-to-end",
        "Berichten en gesprekken worden end-to-end versleuteld",
        "Сообщения и звонки защищены сквозным шифрованием",
        "メッセージと通話はエンドツーエンドで暗号化されています",
        "메시지와 통화는 종단간 암호화되어",
        "الرسائل والمكالمات مشفرة تمامًا بين الطرفين",
    )
)

# Verb phrases of group notices ("Alice added Bob", "Bob left", "Alice changed the
# subject to ..."). iOS writes such a notice as a message of the group with an LRM
# before the text. These phrases mark a notice only after that LRM.
_NOTICE_PHRASES = (
    " added ",
    " removed ",
    " left",
    " joined using this group's invite link",
    " joined using a group link",
    " changed the subject ",
    " changed this group's icon",
    " deleted this group's icon",
    " changed the group description",
    " changed the group name",
    " changed this group's settings",
    " created group ",
    " created this group",
    " changed their phone number",
    " is now an admin",
    "you're now an admin",
    " turned on disappearing messages",
    " turned off disappearing messages",
    " pinned a message",
    "security code changed",
    "your security code with ",
    " hinzugefügt",
    " entfernt",
    " ist beigetreten",
    " hat die gruppe verlassen",
    " a ajouté ",
    " a retiré ",
    " est parti",
    " a créé le groupe",
    " a modifié ",
    " añadió a ",
    " eliminó a ",
    " salió del grupo",
    " creó el grupo",
    " cambió ",
    " adicionou ",
    " removeu ",
    " saiu",
    " criou o grupo",
    " mudou ",
    " ha aggiunto ",
    " ha rimosso ",
    " è uscito",
    " ha creato il gruppo",
    " ha cambiato ",
    " toegevoegd",
    " is vertrokken",
    " добавил",
    " удалил",
    " вышел",
    " создал",
    " изменил",
    "を追加しました",
    "が退出しました",
    "님을 초대했습니다",
    "님이 나갔습니다",
    " أضاف ",
    " غادر",
)
# Folded without stripping, because the spaces around a verb keep it from matching inside a word.
NOTICE_PHRASES = tuple(unicodedata.normalize("NFC", phrase).casefold() for phrase in _NOTICE_PHRASES)

# Phrases of notices that quote a free text (a group subject, a group name) in which a
# colon may appear, so that "Name: text" splitting would mistake the notice for a message.
QUOTING_NOTICE_PHRASES = tuple(
    fold(phrase)
    for phrase in (
        "changed the subject",
        "changed the group name",
        "created group",
        "hat den Betreff",
        "hat die Gruppe",
        "hat den Gruppennamen",
        "a modifié le sujet",
        "a créé le groupe",
        "cambió el asunto",
        "creó el grupo",
        "mudou o assunto",
        "criou o grupo",
        "ha cambiato l'oggetto",
        "ha creato il gruppo",
        "heeft de groepsnaam",
        "heeft groep",
        "изменил(а) тему",
        "изменил тему",
        "создал(а) группу",
        "создал группу",
    )
)

QUOTATION_MARKS = "\"“”„«»‘’‚「」『』"

# iOS exports list a missed call as a line of the caller: "\u200eMissed voice call".
# TODO: turn them into `call` interactions once the call status phrases of each
# language are known; until then they are skipped.
CALL_NOTICES = tuple(
    fold(text)
    for text in (
        "Missed voice call",
        "Missed video call",
        "Missed group voice call",
        "Missed group video call",
        "Verpasster Sprachanruf",
        "Verpasster Videoanruf",
        "Llamada perdida",
        "Videollamada perdida",
        "Appel vocal manqué",
        "Appel vidéo manqué",
        "Chamada de voz perdida",
        "Chamada de vídeo perdida",
        "Chiamata vocale persa",
        "Videochiamata persa",
        "Gemiste spraakoproep",
        "Gemiste video-oproep",
    )
)

# The part of an export's file name before the chat name, by language. Android names
# the .txt (and the .zip) "<prefix><chat name>.txt"; iOS names the .zip
# "WhatsApp Chat - <chat name>.zip" and the text inside it "_chat.txt".
FILE_NAME_PREFIXES: tuple[tuple[re.Pattern[str], str | None], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), language)
    for pattern, language in (
        (r"^WhatsApp Chat with ", "en"),
        (r"^WhatsApp Chat mit ", "de"),
        (r"^Chat de WhatsApp con ", "es"),
        (r"^Discussion WhatsApp avec ", "fr"),
        (r"^Conversa do WhatsApp com ", "pt"),
        (r"^Chat (?:di )?WhatsApp con ", "it"),
        (r"^WhatsApp[- ]chat met ", "nl"),
        (r"^Чат WhatsApp с ", "ru"),
        (r"^Chat WhatsApp dengan ", "id"),
        (r"^Czat WhatsApp z ", "pl"),
        (r"^WhatsApp Chat - ", None),
    )
)

# The name of the chat text inside an iOS export zip.
IOS_CHAT_MEMBER = "_chat.txt"
