"""Errors a user can cause in pre-review, all members of core's family (`core.errors`).

    AppError
    └── BadInput
        ├── UnreadableFile          a file the reader refuses or cannot read (reason: its FileError code)
        │   ├── EmptyFile           empty
        │   ├── UnsupportedFile     unsupported
        │   ├── DisguisedFile       disguised: the content is not what the name claims
        │   ├── CorruptFile         corrupt
        │   ├── EncryptedFile       encrypted
        │   ├── FileTooLarge        too_large
        │   ├── ReadTimeout         timeout
        │   └── ReadFailed          read_failed: the reader itself failed
        ├── PageImageError          a page image the visual checks cannot work on
        ├── CaseFolderError         a case folder that does not follow the case contract
        └── ReadingBudgetSpent      a run's files took longer to read than its reading budget

`prereview.ocr.OcrUnavailable` (a RuntimeError) is no user's error: the OCR engine is missing.

Reading errors (`UnreadableFile` and its subclasses) are raised inside the readers and turned into
`Document(error=FileError(...))` by `prereview.reader`: an upload that cannot be read is a finding
about that file, never a crash of the case.
"""

from __future__ import annotations

from typing import ClassVar

from core.errors import BadInput
from prereview.documents import FileError


class UnreadableFile(BadInput):
    """A file the reader refuses or cannot read; `reason` is the FileError code."""

    code = "unreadable_file"
    reason: ClassVar[str] = "unreadable"
    default_message: ClassVar[str] = "文件无法读取，请重新上传。"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    def to_file_error(self) -> FileError:
        return FileError(code=self.reason, message=self.message)


class EmptyFile(UnreadableFile):
    reason = "empty"
    default_message = "文件为空（0 字节），请重新上传。"


class UnsupportedFile(UnreadableFile):
    reason = "unsupported"
    default_message = "不支持的文件类型，请上传 PDF 或 JPG、PNG、TIFF、BMP 图片。"


class DisguisedFile(UnreadableFile):
    reason = "disguised"
    default_message = "文件扩展名与实际内容不符，该文件不是所声称的 PDF 或图片，请上传真实的材料文件。"


class CorruptFile(UnreadableFile):
    reason = "corrupt"
    default_message = "文件已损坏，无法打开，请重新导出或扫描后上传。"


class EncryptedFile(UnreadableFile):
    reason = "encrypted"
    default_message = "PDF 文件已加密或设置了打开密码，请去除密码后重新上传。"


class FileTooLarge(UnreadableFile):
    reason = "too_large"
    default_message = "文件过大，请压缩或拆分后重新上传。"


class ReadTimeout(UnreadableFile):
    reason = "timeout"
    default_message = "文件处理超时，请检查文件是否过大或过于复杂，拆分后重新上传。"


class ReadFailed(UnreadableFile):
    """The reader itself failed on this file (a bug or a crash of the parser, not the user's fault)."""

    reason = "read_failed"
    default_message = "文件读取失败，请稍后重试；如仍失败，请重新导出或扫描后上传。"


class PageImageError(BadInput):
    """A page image the visual checks cannot work on (empty, not an H x W x 3 picture)."""

    code = "page_image"


class CaseFolderError(BadInput):
    """A case folder that does not follow the case contract (case.json, files/)."""

    code = "case_folder_invalid"


class ReadingBudgetSpent(BadInput):
    """A case's files took longer to read, together, than its reading budget: the rest were not read."""

    code = "reading_budget_spent"

    def __init__(self, *, budget_s: float, unread: list[str], slow: list[str]) -> None:
        names = "、".join(unread[:10]) + (f" 等 {len(unread)} 个文件" if len(unread) > 10 else "")
        hint = f"（读取超时的文件：{'、'.join(slow[:10])}）" if slow else ""
        super().__init__(
            f"本案文件读取的总时间已达上限（{budget_s:g} 秒），以下文件未读取：{names}。"
            f"请删除无法读取或过大的文件{hint}，或拆分、压缩后重新提交预审。",
            detail={"unread": unread, "timed_out": slow},
        )
