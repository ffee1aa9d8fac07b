# typed_words.py: the words people type around numbers and yes/no cells (values.py reads them).
"""Words that change what a typed number or tick means, in zh-CN, zh-TW and English: yes and
no, magnitudes (万, 千, M, bn), currencies, "at most" / "at least" before or after a number,
and the marks of an approximate number (约, ~, about).
Data only; values.py builds its patterns from these.
"""
from __future__ import annotations

YES = frozenset({"是", "是的", "对", "對", "y", "yes", "t", "true", "1", "✓", "√", "✔",
                  "☑", "✅", "完成", "已完成", "done"})
NO = frozenset({"否", "不是", "错", "錯", "n", "no", "f", "false", "0", "✗", "×", "✘",
                 "❌", "☐", "未完成"})
MAGNITUDES = {"万": 4, "萬": 4, "w": 4, "亿": 8, "億": 8, "千": 3, "k": 3,  # powers of ten
               "百万": 6, "百萬": 6, "千万": 7, "千萬": 7, "百": 2,
               "m": 6, "mil": 6, "mn": 6, "b": 9, "bn": 9}  # 5M, 1.2 mil, 2.5B (a lone "m" is metres)
CURRENCY = {"¥": "元", "rmb": "元", "cny": "元", "人民币": "元", "人民幣": "元",
             "$": "$", "usd": "$"}
LOWER_BEFORE = ("<=", "≤", "≦", "<", "不超过", "不超過", "不高于", "不高於", "最多",
                 "至多", "低于", "低於", "少于", "少於", "小于", "小於")
HIGHER_BEFORE = (">=", "≥", "≧", ">", "不低于", "不低於", "不少于", "不少於", "至少",
                  "最少", "超过", "超過", "高于", "高於", "大于", "大於")
LOWER_AFTER = ("以内", "以內", "之内", "之內", "以下")
HIGHER_AFTER = ("以上", "+")
APPROX = ("约", "約", "大约", "大約", "大概", "大致", "约莫", "約莫", "≈", "~", "about", "approx.", "approx",
           "approximately", "around", "roughly", "circa")

