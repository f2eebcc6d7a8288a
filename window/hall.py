"""The hall a window belongs to: its names, where and how to reach it, and how it numbers cases and
notices. A value made from the settings (``window.runtime.hall``); domain code takes it as an argument."""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, field_validator

__all__ = ["Hall"]


class Hall(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str  # 安和市政务服务中心
    window: str  # 综合窗口
    address: str = ""
    phone: str = ""
    online: str = ""  # where an applicant may submit again online (本省政务服务网)
    time_zone: str = "Asia/Shanghai"
    case_number_format: str
    self_check_number_format: str
    notice_number_format: str

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # ZoneInfoNotFoundError (a ValueError) names the zone
        return value

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.time_zone)

    @property
    def window_full_name(self) -> str:
        """安和市政务服务中心综合窗口"""
        return f"{self.name}{self.window}"

    def year_of(self, moment: datetime) -> int:
        """The hall's calendar year at ``moment`` (aware): numbering starts again on 1 January there."""
        return moment.astimezone(self.zone).year

    def case_number(self, *, year: int, seq: int, self_check: bool) -> str:
        fmt = self.self_check_number_format if self_check else self.case_number_format
        return fmt.format(year=year, seq=seq, mark="")

    def notice_number(self, *, year: int, seq: int, mark: str) -> str:
        return self.notice_number_format.format(year=year, seq=seq, mark=mark)
