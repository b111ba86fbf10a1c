"""Reading a PDF back in tests: its pages, its text, its fonts (pypdf)."""

from io import BytesIO

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    """The text of every page without whitespace (table cells break lines wherever they wrap)."""
    reader = PdfReader(BytesIO(content))
    return "\n".join("".join(page.extract_text().split()) for page in reader.pages)


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(BytesIO(content)).pages)


def assert_fonts_embedded(content: bytes) -> None:
    """Every font the pages use is a subset embedded in the file (FontFile2 or FontFile3)."""
    fonts = {}
    for page in PdfReader(BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        descendant = font["/DescendantFonts"][0].get_object() if font["/Subtype"] == "/Type0" else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, name
        assert name[7] == "+", f"{name} is not a subset"
