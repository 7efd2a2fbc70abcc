import json, sys, collections

res = json.load(open(sys.argv[1]))


def norm(s):
    return s.replace("{plan}", "Kaiser").lower()


def first(r):
    return r["replies"][0] if r["replies"] else {"text": "", "buttons": []}


ok = collections.Counter()
tot = collections.Counter()
bad = []
for r in res:
    f = first(r)
    txt = f["text"].lower()
    btns = f.get("buttons") or []
    lang = r["l"]
    has_person = any(b and b.startswith("m:volunteer") for b in btns) or any(
        "volunt" in (m["text"].lower()) for m in r["replies"][:1]
    )
    if r["set"] == "q":
        tot[(lang, "right fact")] += 1
        if any(norm(x) in txt for x in r["f"]):
            ok[(lang, "right fact")] += 1
        else:
            bad.append(("MISS", lang, r["t"], f["text"][:120].replace("\n", " ")))
            # confident wrong: an article reply (not the unsure reply) without the fact
            if not has_person:
                tot[(lang, "confident wrong")] += 0
                ok[(lang, "confident wrong")] += 1
    else:
        tot[(lang, "abstain")] += 1
        if has_person and "kb:more" not in btns:
            ok[(lang, "abstain")] += 1
        else:
            bad.append(("ANSWERED", lang, r["t"], f["text"][:120].replace("\n", " ")))
            ok[(lang, "confident wrong")] += 1
n = collections.Counter(r["l"] for r in res)
for k in sorted(tot):
    if k[1] != "confident wrong":
        print(f"{k}: {ok[k]}/{tot[k]} = {ok[k] / tot[k]:.0%}")
for l in ("en", "es"):
    print(f"confident wrong {l}: {ok[(l, 'confident wrong')]}/{n[l]} = {ok[(l, 'confident wrong')] / n[l]:.0%}")
if "-v" in sys.argv:
    for b in bad:
        print(b)
