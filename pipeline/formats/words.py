"""Words of the book's own, and the direction its language is written in: what the editions print themselves (Contents, Chapter, Figure, ...), in
the book's language.

Fifteen languages are known; a language tag is matched by its first part (`pt-BR` takes `pt`), and
an unknown language takes English. A book overrides any word under `presswork: book: words:`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

KEYS = (
    "contents",  # the contents page, and the EPUB's and DOCX's table of contents
    "chapter",  # the label over a chapter's number, or around it where it holds {number} (第{number}章)
    "figure",  # "Figure 3." under a figure
    "table",  # "Table 2." over a table
    "listing",  # "Listing 1." by a titled code block
    "pages",  # the EPUB's list of the print edition's pages (hidden from view, read out by reading systems)
    "published_by",  # the copyright page: "Published by <publisher>"
    "this_edition",  # the copyright page: "This edition: <date>"
    "identifier",  # the copyright page: "Identifier: <urn or ISBN>"
    "downloads",  # the site's Downloads page, its title and its entry in the navigation
    "as_a_book",  # under that title: "<title> as a book, from the same sources as this site."
    "every_edition",  # over a release's list of editions
    "checksums",  # before the links to SHA256SUMS and the manifest
    "current",  # beside the edition a page belongs to: "(this edition)"
    "file",
    "size",
    "accessibility",  # the terms of each edition's card on the Downloads page
    "copy",  # the button that copies a file's SHA-256
    "copied",  # what that button says once it has
    "untranslated",  # under the title of a chapter a translated edition shows in the default language
)

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "contents": "Contents", "chapter": "Chapter", "figure": "Figure", "table": "Table", "listing": "Listing", "pages": "Pages",
        "published_by": "Published by", "this_edition": "This edition", "identifier": "Identifier",
        "downloads": "Downloads", "as_a_book": "{title} as a book, from the same sources as this site.",
        "every_edition": "Every published edition, newest first. Each file's SHA-256 is also in its edition's SHA256SUMS.",
        "checksums": "Checksums", "current": "this edition",
        "file": "File", "size": "Size", "accessibility": "Accessibility",
        "copy": "Copy", "copied": "Copied",
        "untranslated": "This chapter is not translated yet: it is shown in the book's original language.",
    },
    "de": {
        "contents": "Inhalt", "chapter": "Kapitel", "figure": "Abbildung", "table": "Tabelle", "listing": "Listing", "pages": "Seiten",
        "published_by": "Verlag:", "this_edition": "Diese Ausgabe", "identifier": "Kennung",
        "downloads": "Downloads", "as_a_book": "{title} als Buch, aus denselben Quellen wie diese Website.",
        "every_edition": "Alle veröffentlichten Ausgaben, die neueste zuerst. Die SHA-256 jeder Datei steht auch in den SHA256SUMS ihrer Ausgabe.",
        "checksums": "Prüfsummen", "current": "diese Ausgabe",
        "file": "Datei", "size": "Größe", "accessibility": "Barrierefreiheit",
        "copy": "Kopieren", "copied": "Kopiert",
        "untranslated": "Dieses Kapitel ist noch nicht übersetzt und erscheint in der Originalsprache des Buches.",
    },
    "fr": {
        "contents": "Table des matières", "chapter": "Chapitre", "figure": "Figure", "table": "Tableau", "listing": "Listing", "pages": "Pages",
        "published_by": "Publié par", "this_edition": "Cette édition", "identifier": "Identifiant",
        "downloads": "Téléchargements", "as_a_book": "{title} en livre, à partir des mêmes sources que ce site.",
        "every_edition": "Toutes les éditions publiées, la plus récente d'abord. Le SHA-256 de chaque fichier figure aussi dans le SHA256SUMS de son édition.",
        "checksums": "Sommes de contrôle", "current": "cette édition",
        "file": "Fichier", "size": "Taille", "accessibility": "Accessibilité",
        "copy": "Copier", "copied": "Copié",
        "untranslated": "Ce chapitre n’est pas encore traduit : il est présenté dans la langue originale du livre.",
    },
    "es": {
        "contents": "Índice", "chapter": "Capítulo", "figure": "Figura", "table": "Tabla", "listing": "Listado", "pages": "Páginas",
        "published_by": "Publicado por", "this_edition": "Esta edición", "identifier": "Identificador",
        "downloads": "Descargas", "as_a_book": "{title} como libro, a partir de las mismas fuentes que este sitio.",
        "every_edition": "Todas las ediciones publicadas, la más reciente primero. El SHA-256 de cada archivo figura también en el SHA256SUMS de su edición.",
        "checksums": "Sumas de comprobación", "current": "esta edición",
        "file": "Archivo", "size": "Tamaño", "accessibility": "Accesibilidad",
        "copy": "Copiar", "copied": "Copiado",
        "untranslated": "Este capítulo aún no está traducido: se muestra en el idioma original del libro.",
    },
    "pt": {
        "contents": "Sumário", "chapter": "Capítulo", "figure": "Figura", "table": "Tabela", "listing": "Listagem", "pages": "Páginas",
        "published_by": "Publicado por", "this_edition": "Esta edição", "identifier": "Identificador",
        "downloads": "Downloads", "as_a_book": "{title} em livro, a partir das mesmas fontes deste site.",
        "every_edition": "Todas as edições publicadas, a mais recente primeiro. O SHA-256 de cada arquivo também está no SHA256SUMS da sua edição.",
        "checksums": "Somas de verificação", "current": "esta edição",
        "file": "Arquivo", "size": "Tamanho", "accessibility": "Acessibilidade",
        "copy": "Copiar", "copied": "Copiado",
        "untranslated": "Este capítulo ainda não foi traduzido: é apresentado na língua original do livro.",
    },
    "it": {
        "contents": "Indice", "chapter": "Capitolo", "figure": "Figura", "table": "Tabella", "listing": "Listato", "pages": "Pagine",
        "published_by": "Pubblicato da", "this_edition": "Questa edizione", "identifier": "Identificativo",
        "downloads": "Download", "as_a_book": "{title} come libro, dalle stesse fonti di questo sito.",
        "every_edition": "Tutte le edizioni pubblicate, dalla più recente. Lo SHA-256 di ogni file è anche nel SHA256SUMS della sua edizione.",
        "checksums": "Checksum", "current": "questa edizione",
        "file": "File", "size": "Dimensione", "accessibility": "Accessibilità",
        "copy": "Copia", "copied": "Copiato",
        "untranslated": "Questo capitolo non è ancora tradotto: è presentato nella lingua originale del libro.",
    },
    "nl": {
        "contents": "Inhoud", "chapter": "Hoofdstuk", "figure": "Figuur", "table": "Tabel", "listing": "Listing", "pages": "Pagina's",
        "published_by": "Uitgegeven door", "this_edition": "Deze editie", "identifier": "Identificatie",
        "downloads": "Downloads", "as_a_book": "{title} als boek, uit dezelfde bronnen als deze site.",
        "every_edition": "Alle gepubliceerde edities, de nieuwste eerst. De SHA-256 van elk bestand staat ook in de SHA256SUMS van de editie.",
        "checksums": "Controlegetallen", "current": "deze editie",
        "file": "Bestand", "size": "Grootte", "accessibility": "Toegankelijkheid",
        "copy": "Kopiëren", "copied": "Gekopieerd",
        "untranslated": "Dit hoofdstuk is nog niet vertaald: het staat in de oorspronkelijke taal van het boek.",
    },
    "pl": {
        "contents": "Spis treści", "chapter": "Rozdział", "figure": "Rysunek", "table": "Tabela", "listing": "Listing", "pages": "Strony",
        "published_by": "Wydawca:", "this_edition": "To wydanie", "identifier": "Identyfikator",
        "downloads": "Do pobrania", "as_a_book": "{title} jako książka, z tych samych źródeł co ta strona.",
        "every_edition": "Wszystkie opublikowane wydania, od najnowszego. SHA-256 każdego pliku jest też w pliku SHA256SUMS jego wydania.",
        "checksums": "Sumy kontrolne", "current": "to wydanie",
        "file": "Plik", "size": "Rozmiar", "accessibility": "Dostępność",
        "copy": "Kopiuj", "copied": "Skopiowano",
        "untranslated": "Ten rozdział nie został jeszcze przetłumaczony: jest podany w języku oryginału książki.",
    },
    "ru": {
        "contents": "Содержание", "chapter": "Глава", "figure": "Рисунок", "table": "Таблица", "listing": "Листинг", "pages": "Страницы",
        "published_by": "Издатель:", "this_edition": "Это издание", "identifier": "Идентификатор",
        "downloads": "Загрузки", "as_a_book": "{title} в виде книги, из тех же исходников, что и этот сайт.",
        "every_edition": "Все опубликованные издания, начиная с последнего. SHA-256 каждого файла есть и в SHA256SUMS его издания.",
        "checksums": "Контрольные суммы", "current": "это издание",
        "file": "Файл", "size": "Размер", "accessibility": "Доступность",
        "copy": "Копировать", "copied": "Скопировано",
        "untranslated": "Эта глава ещё не переведена: она приводится на языке оригинала книги.",
    },
    "uk": {
        "contents": "Зміст", "chapter": "Розділ", "figure": "Рисунок", "table": "Таблиця", "listing": "Лістинг", "pages": "Сторінки",
        "published_by": "Видавець:", "this_edition": "Це видання", "identifier": "Ідентифікатор",
        "downloads": "Завантаження", "as_a_book": "{title} у вигляді книги, з тих самих джерел, що й цей сайт.",
        "every_edition": "Усі опубліковані видання, починаючи з найновішого. SHA-256 кожного файлу є також у SHA256SUMS його видання.",
        "checksums": "Контрольні суми", "current": "це видання",
        "file": "Файл", "size": "Розмір", "accessibility": "Доступність",
        "copy": "Копіювати", "copied": "Скопійовано",
        "untranslated": "Цей розділ ще не перекладено: його подано мовою оригіналу книжки.",
    },
    "zh": {
        "contents": "目录", "chapter": "第{number}章", "figure": "图", "table": "表", "listing": "代码", "pages": "页码",
        "published_by": "出版者：", "this_edition": "本版", "identifier": "标识符",
        "downloads": "下载", "as_a_book": "{title}的图书版本，与本站出自同一份源文件。",
        "every_edition": "所有已发布的版本，最新的在前。每个文件的 SHA-256 也列在其版本的 SHA256SUMS 中。",
        "checksums": "校验和", "current": "本版",
        "file": "文件", "size": "大小", "accessibility": "无障碍",
        "copy": "复制", "copied": "已复制",
        "untranslated": "本章尚未翻译，以本书的原文语言呈现。",
    },
    "ja": {
        "contents": "目次", "chapter": "第{number}章", "figure": "図", "table": "表", "listing": "リスト", "pages": "ページ",
        "published_by": "発行：", "this_edition": "この版", "identifier": "識別子",
        "downloads": "ダウンロード", "as_a_book": "{title}の書籍版。このサイトと同じ原稿から作られています。",
        "every_edition": "公開されたすべての版（新しい順）。各ファイルの SHA-256 は、その版の SHA256SUMS にも記載されています。",
        "checksums": "チェックサム", "current": "この版",
        "file": "ファイル", "size": "サイズ", "accessibility": "アクセシビリティ",
        "copy": "コピー", "copied": "コピーしました",
        "untranslated": "この章はまだ翻訳されていません。本書の原語で掲載しています。",
    },
    "ko": {
        "contents": "목차", "chapter": "제{number}장", "figure": "그림", "table": "표", "listing": "코드", "pages": "페이지",
        "published_by": "펴낸곳:", "this_edition": "이 판", "identifier": "식별자",
        "downloads": "내려받기", "as_a_book": "이 사이트와 같은 원고로 만든 책, {title}.",
        "every_edition": "발행된 모든 판, 최신 순. 각 파일의 SHA-256은 해당 판의 SHA256SUMS에도 있습니다.",
        "checksums": "체크섬", "current": "이 판",
        "file": "파일", "size": "크기", "accessibility": "접근성",
        "copy": "복사", "copied": "복사됨",
        "untranslated": "이 장은 아직 번역되지 않아 책의 원어로 실려 있습니다.",
    },
    "ar": {
        "contents": "المحتويات", "chapter": "الفصل", "figure": "شكل", "table": "جدول", "listing": "قائمة برمجية", "pages": "الصفحات",
        "published_by": "الناشر:", "this_edition": "هذه الطبعة", "identifier": "المعرّف",
        "downloads": "التنزيلات", "as_a_book": "{title} في كتاب، من مصادر هذا الموقع نفسها.",
        "every_edition": "كل الطبعات المنشورة، الأحدث أولًا. بصمة SHA-256 لكل ملف موجودة أيضًا في ملف SHA256SUMS لطبعته.",
        "checksums": "المجاميع الاختبارية", "current": "هذه الطبعة",
        "file": "الملف", "size": "الحجم", "accessibility": "إمكانية الوصول",
        "copy": "نسخ", "copied": "تم النسخ",
        "untranslated": "لم يُترجَم هذا الفصل بعد، فهو معروض بلغة الكتاب الأصلية.",
    },
    "he": {
        "contents": "תוכן העניינים", "chapter": "פרק", "figure": "איור", "table": "טבלה", "listing": "קטע קוד", "pages": "עמודים",
        "published_by": "הוצאה לאור:", "this_edition": "מהדורה זו", "identifier": "מזהה",
        "downloads": "הורדות", "as_a_book": "{title} כספר, מאותם מקורות של אתר זה.",
        "every_edition": "כל המהדורות שפורסמו, החדשה ביותר ראשונה. ה־SHA-256 של כל קובץ מופיע גם ב־SHA256SUMS של המהדורה שלו.",
        "checksums": "סכומי ביקורת", "current": "מהדורה זו",
        "file": "קובץ", "size": "גודל", "accessibility": "נגישות",
        "copy": "העתקה", "copied": "הועתק",
        "untranslated": "פרק זה עדיין לא תורגם, ולכן הוא מוצג בשפת המקור של הספר.",
    },
}  # fmt: skip


# Each known language's name in that language, as a language selector shows it.
NAMES = {
    "en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "pt": "Português", "it": "Italiano",
    "nl": "Nederlands", "pl": "Polski", "ru": "Русский", "uk": "Українська", "zh": "中文", "ja": "日本語",
    "ko": "한국어", "ar": "العربية", "he": "עברית",
}  # fmt: skip


def name(language: str) -> str:
    """The language's own name (`fr` -> `Français`), or its tag when it is not one of the known ones."""
    return NAMES.get(language.split("-", 1)[0].lower(), language)


RIGHT_TO_LEFT = frozenset({"ar", "he", "fa", "ur", "ps", "sd", "ug", "ckb", "dv", "yi"})


def direction(language: str) -> str:
    """'rtl' for a language written right to left (by its tag's first part), else 'ltr'."""
    return "rtl" if language.split("-", 1)[0].lower() in RIGHT_TO_LEFT else "ltr"


def of(language: str, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The words for a book in `language` (a BCP 47 tag), with the book's own `overrides`."""
    primary = language.split("-", 1)[0].lower()
    return {**WORDS["en"], **WORDS.get(primary, {}), **(overrides or {})}


def copyright_page(
    *,
    title: str,
    subtitle: str,
    authors: list[str],
    date: datetime,
    rights: str,
    publisher: str,
    identifier: str,
    language: str,
    wording: Mapping[str, str],
) -> list[dict[str, str | bool]]:
    """The lines of the copyright page, as every edition that has one prints them (the PDF's template
    and the DOCX): the title, italic; © the year and the authors; the license; the publisher; this
    edition's date; the ISBN, or the identifier set in the code face (`code`)."""
    english = language.split("-")[0] == "en"
    joined = ", ".join(authors[:-1]) + (" and " if english else " & ") + authors[-1] if len(authors) > 1 else "".join(authors)
    lines: list[dict[str, str | bool]] = [{"text": title + (f": {subtitle}" if subtitle else ""), "italic": True}]
    lines += [{"text": f"© {date.year} {joined}"}] if authors else []
    lines += [{"text": rights}] if rights else []
    lines += [{"text": f"{wording['published_by']} {publisher}"}] if publisher else []
    shown = f"{_MONTHS[date.month - 1]} {date.day}, {date.year}" if english else date.strftime("%Y-%m-%d")
    lines.append({"text": f"{wording['this_edition']}: {shown}"})
    if identifier.lower().startswith("urn:isbn:"):
        lines.append({"text": f"ISBN {identifier[9:]}"})
    elif identifier:
        lines.append({"text": f"{wording['identifier']}:", "code": identifier})
    return lines


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def file_size(size: int, language: str) -> str:
    """A file's size as a reader of `language` writes it, from CLDR's data (Babel): `3.4 MB`, `3,4 Mo`,
    `3,4 МБ`; below a thousand bytes, in bytes."""
    from babel.core import Locale, UnknownLocaleError
    from babel.units import format_unit

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    for unit, scale in (("digital-gigabyte", 1e9), ("digital-megabyte", 1e6), ("digital-kilobyte", 1e3)):
        if size >= scale:
            return format_unit(size / scale, unit, length="short", format="#,##0.0", locale=locale)
    return format_unit(size, "digital-byte", length="short", locale=locale)
