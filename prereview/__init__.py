"""Pre-review: read uploaded materials, recognise them, extract their fields and judge the case.

Public modules (what other packages import; tests/test_packages.py holds them to it): ``pipeline``
(``Prereviewer``, the whole pre-review of a case), ``judging`` (a case judged from its files as read),
``reader`` (reading files), ``pool`` (the reader workers' process pool), ``ocr`` (the OCR engine), ``sniff``
(a file's type by its content), ``documents`` (what reading a file yields), ``progress`` (how far a run is,
told as it goes), ``errors`` and ``cli``.
"""

__all__ = [
    "cli",
    "documents",
    "errors",
    "judging",
    "ocr",
    "ocr_openvino",
    "pipeline",
    "pool",
    "progress",
    "reader",
    "sniff",
]
