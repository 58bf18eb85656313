"""PNG previews of a finished PDF: one image per page and a contact sheet."""

from __future__ import annotations

from pathlib import Path


def write_previews(pdf: Path, folder: Path, dpi: int = 70, sheet_columns: int = 4) -> list[Path]:
    """Render every page with pdfium; return the page PNGs and the contact sheet."""
    import pypdfium2 as pdfium
    from PIL import Image

    from .errors import BriefingError

    try:
        document = pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError as exc:  # checked before the folder exists: nothing is left behind
        raise BriefingError.single(f"cannot read this PDF: {exc}", file=str(pdf)) from None
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=dpi / 72).to_pil()
            target = folder / f"{pdf.stem}-p{index + 1}.png"
            image.save(target)
            written.append(target)
            images.append(image)
            page.close()
    finally:
        document.close()
    if images:
        w, h = images[0].size
        cols = min(sheet_columns, len(images))
        rows = -(-len(images) // cols)
        gap = max(4, dpi // 10)
        sheet = Image.new("RGB", (cols * w + (cols + 1) * gap, rows * h + (rows + 1) * gap), "#9AA3AD")
        for i, image in enumerate(images):
            r, c = divmod(i, cols)
            sheet.paste(image, (gap + c * (w + gap), gap + r * (h + gap)))
        target = folder / f"{pdf.stem}-contact.png"
        sheet.save(target)
        written.append(target)
    return written
