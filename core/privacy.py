"""Personal data in what leaves the service for someone who may not see it: one masking for all of it.

- 公民身份号码 (18 digits, or the old 15) in any writing — with spaces or dashes — keep the first six
  and last four characters: ``110105********002X``.
- Mobile numbers in any writing (``+86``, ``0086``, ``(86)``, spaces, dashes) and landlines with an
  area code keep the first three and last four digits: ``+86 138****5678``.
- Natural persons' names: ``张*明``, ``王*``. Company names are public and stay. A name is masked where
  the text is known to hold one (a ``*_name`` fact, a person's set label), wherever a name the case
  declared appears, and after the words that introduce one (姓名、法定代表人、我叫…) in free text.

Masking is for readers and logs; ``digest`` keeps a proof of what was written before it was masked.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

_SEP = r"[ \-\u00a0]?"
_ID18 = re.compile(rf"(?<![0-9A-Za-z])\d(?:{_SEP}\d){{16}}{_SEP}[\dXx](?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])\d{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])")
_MOBILE = re.compile(
    r"(?<![\d+])((?:\+|00)86[ \-]?|[(（]\+?86[)）][ \-]?|86[ \-])?(1[3-9]\d(?:[ \-\u00a0]?\d){8})(?!\d)"
)
_LANDLINE = re.compile(r"(?<![\d+])([(（]?0\d{2,3}[)）]?[ \-]?)(\d{3,4}[ \-]?\d{4})(?!\d)")

# the commonest single and compound surnames (a name in free text is masked only when one starts it)
_SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常"
    "温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚"
    "岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑"
    "迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉"
    "禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜"
    "印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
_SURNAMES_2 = {
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
    "澹台",
    "轩辕",
    "端木",
    "南宫",
    "西门",
    "独孤",
    "呼延",
    "闻人",
    "万俟",
    "申屠",
}
_CUES = (
    "姓名",
    "名字",
    "我叫",
    "我是",
    "本人",
    "法定代表人",
    "法人代表",
    "法人",
    "负责人",
    "经营者",
    "经办人",
    "代理人",
    "受托人",
    "委托人",
    "联系人",
    "申请人",
    "户主",
    "股东",
    "签字人",
    "签名人",
    "驾驶员",
    "业主",
    "承诺人",
    "领取人",
)
_CUE_NAME = re.compile(
    "("
    + "|".join(sorted(_CUES, key=len, reverse=True))
    + r")(\s*[:：]?\s*[「“\"'（(]?\s*)([\u4e00-\u9fff·]{2,6})"
)
# a character that ends a name taken from free text (what usually follows one)
_AFTER_NAME = set(
    "的在与和是已未于等及因为说到来去了签身办提同要想能可也还就都被把对向从将请本先后再女男联电手证持名之年岁"
)
_ORG_ENDINGS = (
    "公司",
    "集团",
    "合作社",
    "事务所",
    "工作室",
    "经营部",
    "门市部",
    "中心",
    "委员会",
    "厂",
    "店",
    "局",
    "院",
    "所",
    "社",
    "部",
    "处",
    "站",
    "行",
    "馆",
    "会",
    "队",
    "校",
    "园",
    "场",
    "室",
    "组",
    "办",
    "村",
    "厅",
    "库",
    "坊",
    "铺",
    "吧",
    "城",
    "楼",
)
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{1,10}(?:·[\u4e00-\u9fff]{1,10}){1,3}$")
_ID_KEYS = ("_id", "id_number", "id_no", "idcard")
_NOT_ID_KEYS = {"case_id", "previous_case_id", "project_id", "file_id", "run_id", "rule_id", "id"}
_PHONE_KEYS = ("phone", "mobile", "tel")


def is_person_name(value: str) -> bool:
    """A natural person's name (2-4 Chinese characters, or a name with ·), not an organisation's."""
    v = value.strip()
    return bool(_CJK_NAME.match(v)) and not v.endswith(_ORG_ENDINGS)


def mask_name(value: str) -> str:
    """张*明, 王*, 欧**锋; 买*提·艾*力 (each part of a name written with ·)."""
    v = value.strip()
    if "·" in v:
        return "·".join(mask_name(part) if len(part) > 1 else part for part in v.split("·"))
    if len(v) <= 1:
        return v
    if len(v) == 2:
        return v[0] + "*"
    return v[0] + "*" * (len(v) - 2) + v[-1]


def mask_id(value: str) -> str:
    v = re.sub(r"[ \-\u00a0]", "", value.strip())
    if len(v) <= 8:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]


def mask_phone(value: str) -> str:
    v = value.strip()
    masked = mask_numbers(v)
    if masked != v:
        return masked
    digits = re.sub(r"\D", "", v)
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 11 else "*" * len(v)


def mask_numbers(text: str) -> str:
    """Identity and phone numbers in ``text``, in whatever way they are written."""
    text = _ID18.sub(_id18, text)
    text = _ID15.sub(lambda m: mask_id(m.group(0)), text)
    text = _MOBILE.sub(_mobile, text)
    return _LANDLINE.sub(lambda m: m.group(1) + "****" + re.sub(r"\D", "", m.group(2))[-4:], text)


def _id18(m: re.Match[str]) -> str:
    """Masked when it holds a birth date where an identity number does (a USCC of digits does not)."""
    digits = re.sub(r"[ \-\u00a0]", "", m.group(0))
    year, month, day = int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
    if 1850 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
        return mask_id(digits)
    return m.group(0)


def _mobile(m: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", m.group(2))
    return (m.group(1) or "") + digits[:3] + "****" + digits[-4:]


def mask_text(text: str, *, names: Iterable[str] = ()) -> str:
    """Numbers (see ``mask_numbers``), the given persons' names wherever they appear, and names that
    follow the words that introduce one."""
    text = mask_numbers(text)
    for name in sorted({n.strip() for n in names if is_person_name(n)}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return _CUE_NAME.sub(_cued, text)


def _cued(m: re.Match[str]) -> str:
    cue, gap, rest = m.group(1), m.group(2), m.group(3)
    surname = 2 if rest[:2] in _SURNAMES_2 else 1 if rest[0] in _SURNAMES_1 else 0
    if not surname:
        return m.group(0)
    end = surname
    while end < min(len(rest), surname + 2) and rest[end] not in _AFTER_NAME:
        end += 1
    if end == surname:  # a surname alone is no name
        return m.group(0)
    return cue + gap + mask_name(rest[:end]) + rest[end:]


def person_names(declared: dict[str, Any]) -> set[str]:
    """The natural persons' names among declared facts (``*_name`` facts, names of listed persons)."""
    found: set[str] = set()

    def walk(key: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(str(k), v)
        elif isinstance(value, list):
            for v in value:
                walk(key, v)
        elif isinstance(value, str) and _is_name_key(key) and is_person_name(value):
            found.add(value.strip())

    walk("", declared)
    return found


def mask_value(key: str, value: Any, *, names: Iterable[str] = ()) -> Any:
    """A value as someone who may not see identity reads it: by its key (``legal_rep_id``, ``contact_phone``,
    ``agent_name``, ``set_label``) and, in any text, by ``mask_text``; dicts and lists all the way down."""
    names = tuple(names)
    if isinstance(value, dict):
        return {k: mask_value(str(k), v, names=names) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_value(key, v, names=names) for v in value]
    if not isinstance(value, str):
        return value
    lowered = key.lower()
    if lowered.endswith(_ID_KEYS) and lowered not in _NOT_ID_KEYS:
        return mask_id(value)
    if any(p in lowered for p in _PHONE_KEYS):
        return mask_phone(value)
    if _is_name_key(lowered) and is_person_name(value):
        return mask_name(value)
    return mask_text(value, names=names)


def mask_facts(declared: dict[str, Any]) -> dict[str, Any]:
    names = person_names(declared)
    return {k: mask_value(k, v, names=names) for k, v in declared.items()}


def digest(value: Any) -> str:
    """sha256 of a JSON value as written (keys sorted): proof of what was there before masking."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _is_name_key(key: str) -> bool:
    k = key.lower()
    return k in ("name", "set_label", "applicant") or k.endswith("_name")
