"""Precise rules for the safety screen's categories beyond self-harm, and keywords in
other scripts and languages.

`knowledge.crisis` holds the self-harm families (English and Spanish). This module
adds, where the phrasing is clear:
- someone else in danger now ("my wife took all her xanax and shes not responding");
- the member afraid they will hurt someone ("tengo miedo de hacerle daño a mi bebé");
- domestic violence ("my ex says he'll kill me if i leave", "mi esposo me va a matar");
- a child in danger ("mi pareja le pega a mi niña");
- crisis keywords in Chinese, Japanese, Korean, Russian, Arabic, Persian, Vietnamese,
  Tagalog and Armenian. Vietnamese, Tagalog and Armenian are not among the embedding
  model's 16 languages, so for them these keywords are the main layer.

English and Spanish patterns run on `crisis_text.normalize` (lowercase ASCII words, "|"
between clauses, doubled letters squeezed: write patterns in squeezed spelling, e.g.
"kil", "pasar"); other scripts on the NFKC, casefolded text. Pure and fast (~0.1 ms).
"""

from __future__ import annotations

import re
import unicodedata

from knowledge import crisis_text

__all__ = ["screen_categories"]


def _sq(source: str) -> str:
    return crisis_text.squeeze_source(re.sub(r"\s*\n\s*", "", source))


def _c(*sources: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(f"(?:{_sq(s)})" for s in sources) + ")")


# Partners and family who may be a danger to the member (not bosses or mothers in jest).
_PARTNER = r"""(?:my |his |her )?(?:husband|hubby|boyfriend|bf|ex|ex husband|ex wife|ex boyfriend|ex girlfriend|partner|wife|girlfriend|gf
|fiance|fiancee|baby daddy|baby dady|babys father|babys dad|baby mama|spouse|man|boo)"""
_HE = r"(?:he|she|hes|shes|he s|she s)"
_HURT_PAST = r"""(?:hit|hits|hiting|beat|beats|beating|beat up|punched|punches|punch|slapped|slaps|choked|chokes|choking|strangled|strangles|kicked
|kicks|pushed|shoved|threw|throws|attacked|attacks|raped|rapes|hurt|hurts|hurting|abuses|abused|abusing|smacked|smacks|stabbed|burned|bit)"""
_KILL = r"(?:kil|hurt|shoot|stab|end|beat|murder)"
_WILL = r"(?:will|wil|ll|is going to|s going to|is gona|s gona|gona|going to|is gonna|gonna|would|wants to|want to|is trying to|tried to|is about to)"

_DV_EN = _c(
    rf"{_PARTNER} (?:{_HURT_PAST}) me\b",
    rf"{_PARTNER} (?:says|said|saying|threatened|threatens|threatening|told me|keeps saying)(?: that)?(?: {_HE}| they)?(?: {_WILL}| wil| ll| d)? {_KILL} me\b",
    rf"(?:{_PARTNER}|{_HE}) {_WILL} {_KILL} me\b",
    rf"(?:{_HE}|he l|hel|shel|hed|shed) {_KILL} me (?:if|when|and|for|tonight|this time)\b",
    rf"(?:hel|shel|he l|hed) {_KILL} me\b",
    r"(?:threatened|threatening|threatens|threaten) (?:me|to kil me|to hurt me|my life)(?: \w+){0,3} (?:with )?(?:a |his |her |the )?(?:gun|knife|pistol|weapon|machete)",
    r"(?:pulled|held|pointed|put) (?:a|his|her|the) (?:gun|knife|pistol) (?:on|at|to) (?:me|my head|my throat)",
    rf"(?:scared|afraid|terified|frightened) (?:of|that) (?:{_PARTNER}|him|her)(?:\b|$)(?! (?:wil|ll) (?:be|get|find|leave|think|say|know|see)\b)",
    r"(?:scared|afraid|terified) (?:to go home|to go back home|he wil kil me|he wil hurt me|for my life)",
    r"(?:im|i am|ive ben|i have ben|being) (?:being )?(?:abused|beaten|hit|choked|raped) (?:at home|by my|every|again)",
    rf"{_PARTNER} (?:locks|locked|keeps|kept) me (?:in|inside|locked)",
    rf"{_PARTNER} (?:took|takes|broke|smashed) my phone (?:so|and)",
    r"(?:hiding|hid) (?:in|from)(?: \w+){0,3} (?:from (?:him|her|my (?:husband|boyfriend|partner|ex|wife|girlfriend))|bathroom|closet)(?:\b.*\b(?:him|he|her|husband|boyfriend|partner))",
    rf"(?:{_HE}|{_PARTNER}) (?:broke|broken) my (?:arm|nose|ribs|jaw|wrist|hand|fingers)",
    rf"(?:{_HE}|{_PARTNER}) (?:is|s) (?:banging|bangin|pounding|trying to break) (?:on )?(?:the|my) (?:door|window)",
    r"(?:domestic violence|domestic abuse) (?:right now|is happening|at home|tonight)",
    r"i need a safe place (?:to go|to stay)",
    r"(?:stalking|following) me (?:and|everywhere)",
)

_PAREJA = r"""(?:mi |el |su )?(?:esposo|marido|novio|pareja|ex|ex esposo|ex novio|exesposo|esposa|novia|ex esposa|concubino|viejo|hombre
|papa de mis hijos|papa de mi hijo|papa de mi hija|papa de mis ninos|padre de mis hijos)"""
_ME_HURT = r"""(?:me pega|me pego|me pegan|me golpea|me golpeo|me golpean|me ahorca|me ahorco|me estrangulo|me empuja|me empujo|me patea|me pateo
|me cachetea|me cacheteo|me abofeteo|me maltrata|me maltrato|me viola|me violo|me lastima|me lastimo|me hace dano|me hizo dano|me encierra
|me encero|me tiene encerada|me amenaza|me amenazo|me quiere matar|me va a matar|me quiere pegar|me va a pegar|me quiere golpear
|me quiere hacer dano|me va a hacer dano|me jalo|me jala|me aviento|me avento|me arastro|me quito el telefono|me quema|me quemo|me rompio)"""
_DV_ES = _c(
    rf"{_PAREJA}(?: \w+){{0,2}} {_ME_HURT}\b",
    r"(?:dice|dijo|amenaza|amenazo|me dice|me dijo|jura)(?: que)?(?: si (?:lo|la) (?:dejo|denuncio|acuso|reporto))? me (?:va a matar|mata|matara)\b",
    r"si (?:lo|la) (?:dejo|denuncio|acuso|reporto|abandono) me (?:mata|va a matar|matara)",
    r"me (?:amenazo|amenaza|amenazan) (?:de muerte|con (?:un|una|el|la|su) (?:cuchillo|pistola|arma|navaja|machete))",
    r"(?:tengo miedo|me da miedo|miedo) (?:de|a) (?:volver|regresar|ir) a (?:la|mi) casa",
    rf"(?:tengo miedo|me da miedo|le tengo miedo) (?:de |a )?(?:{_PAREJA}|que me (?:mate|pegue|golpee|haga dano))",
    r"(?:me esta|me estan|me siguen) (?:maltratando|golpeando|pegando|amenazando) (?:en mi casa|en la casa|todos los dias|cada)",
    r"(?:me escondi|estoy escondida|estoy escondido) (?:en|de)(?: \w+){0,4}",
    r"(?:cuando toma|cuando bebe|borracho|borracha)(?: \w+){0,3} me (?:golpea|pega|maltrata|avienta|lastima)",
    r"violencia domestica (?:ahora|en mi casa|esta pasando)",
    r"necesito un lugar seguro",
    r"me va a matar,? (?:ayuda|ayudenme|auxilio)",
)

_CHILD = r"""(?:my|our|his|her|their|the|a) (?:son|sons|daughter|daughters|kid|kids|child|children|baby|babies|toddler|infant|newborn|little girl|little boy
|girl|boy|niece|nephew|little sister|little brother|grandson|granddaughter|stepson|stepdaughter|[1-9] year old|[1-9] yr old|[1-9] month old)"""
_ADULT_AGAINST_CHILD = r"""(?:hits|hit|beats|beat|beating|hurts|hurt|hurting|abuses|abused|abusing|touches|touched|touching|molests|molested|shakes|shook|shaking
|burned|burns|punched|punches|kicks|kicked|slaps|slapped|throws|threw|starves|choked|chokes|bruised|whips|whipped|locks|locked|leaves bruises on|left bruises on)"""
_CHILD_EN = _c(
    rf"(?:{_PARTNER}|{_HE}|someone|somebody|(?:my|her|his|their|our) (?:dad|father|stepdad|stepfather|mom|mother|stepmom|stepmother|moms boyfriend|dads girlfriend|uncle|grandpa|neighbor|babysiter|brother|cousin|father in law|mother in law)|the (?:babysiter|neighbor|daycare)) (?:\w+ )?{_ADULT_AGAINST_CHILD} {_CHILD}\b",
    r"(?:left|leaves|leaving) (?:my|our|the) (?:baby|toddler|kid|kids|son|daughter|children|infant|newborn)(?: \w+)? (?:alone|home alone|by (?:himself|herself|themselves)) (?:for|al|overnight)",
    r"(?:threatened|threatens|says|said)(?: \w+){0,3} (?:to )?(?:kil|hurt|take and kil) (?:my|our|the) (?:kids|children|son|daughter|baby)",
    r"(?:my|our) (?:kid|kids|child|children|son|daughter|baby)(?: \w+){0,2} (?:has|have|came home with|had) (?:bruises|burns|marks|welts)(?: \w+){0,3} (?:from|because of|and says|said)",
    r"(?:im|i am) (?:1[0-7]|[89]|a kid|a minor|a teen)\b(?: \w+){0,4} (?:and )?(?:my )?(?:dad|mom|father|mother|stepdad|stepmom|parents|moms boyfriend)(?: \w+)? (?:hits|beats|hurts|abuses|touches|whips|starves)",
    r"(?:my )?(?:dad|mom|father|mother|stepdad|stepmom|stepfather|stepmother|moms boyfriend|parents)(?: \w+)? (?:hits|beats|hurts|abuses|touches|whips|starves) me (?:and|with|every|when)?(?: \w+){0,3} (?:im|i am) (?:1[0-7]|[89]|a kid|a minor)\b",
    r"(?:someone|somebody|a man|an adult) (?:is )?(?:hurting|touching|abusing|molesting|touched) (?:my|our|a) (?:child|kid|son|daughter|baby|little)",
    r"(?:my )?(?:child|kid|baby|son|daughter)(?: is| s)? (?:in danger|not safe)|(?:kids|children) (?:are|re) not safe",
    r"(?:a kid|a child|kids|children) (?:in my|next door|in the)(?: \w+){0,2} (?:is|are) being (?:beaten|hurt|abused)",
)
_NINO = r"""(?:(?:a )?(?:mi|mis|su|sus|nuestro|nuestra|nuestros|la|el|los|las) )(?:hijo|hija|hijos|hijas|nino|nina|ninos|ninas|bebe|bebes|hermanita|hermanito
|nieto|nieta|nietos|chamaco|chamaca|chiquito|chiquita|nena|nene|hijastro|hijastra)"""
_CHILD_ES = _c(
    rf"(?:le|les)? ?(?:pega|pego|golpea|golpeo|lastima|lastimo|maltrata|maltrato|toca|toco|manosea|abusa de|abuso de|sacude|sacudio|quema|quemo|patea|pateo|avienta|encierra|encero|le dio un punetazo)(?: \w+)? {_NINO}\b",
    rf"(?:le|les) (?:pega|pego|golpea|golpeo|hace dano|hizo dano|deja moretones) (?:a )?{_NINO}\b",
    r"(?:dejo|deja|dejaron) (?:a )?(?:mi|mis|su|al|a la) (?:bebe|hijo|hija|hijos|nino|nina|ninos)(?: \w+)? sol[oa]s? (?:todo|por|toda|en)",
    r"amenazo con (?:matar|lastimar|llevarse y matar) a (?:mis|mi|los|nuestros) (?:hijos|hijo|hija|ninos|bebe)",
    r"(?:mi|mis) (?:hijo|hija|hijos|nino|nina|bebe)(?: \w+){0,2} (?:tiene|tienen|llego con) (?:moretones|quemaduras|marcas)",
    r"tengo (?:1[0-7]|[89]) anos(?: \w+){0,3}? (?:y )?(?:mi )?(?:papa|mama|padrastro|madrastra|padre|madre)(?: \w+)? me (?:pega|golpea|lastima|maltrata|toca)",
    r"(?:mi )?(?:papa|mama|padrastro|madrastra|novio de mi mama)(?: \w+)? me (?:pega|golpea|lastima|maltrata|toca)(?: \w+){0,3} (?:y )?tengo (?:1[0-7]|[89]) anos",
    r"(?:el|la) (?:novio|novia) de mi (?:mama|papa) me (?:pega|golpea|toca|lastima|maltrata)",
    r"(?:alguien|un hombre|un adulto) (?:esta )?(?:lastimando|tocando|abusando de|golpeando) (?:a )?(?:mi|mis) (?:hijo|hija|nino|nina|bebe|hijos)",
    r"(?:mi|mis) (?:bebe|hijo|hija|hijos|ninos) (?:esta|estan|no esta|no estan) (?:en peligro|segur[oa]s? con)",
    r"(?:a )?un (?:nino|nina|bebe) (?:de|en) (?:mi|la)(?: \w+){0,2} (?:le estan pegando|lo estan golpeando|la estan golpeando)",
)

_HARM_EN = _c(
    r"""(?:scared|afraid|terified|worried|fear|frightened) (?:that )?(?:i|im|ill|id|i will|i might|i could|im going to|im gona|of) (?:\w+ )?(?:hurt|hurting|kil|kiling|harm|harming|shake|shaking
    |smother|smothering|drown|drowning|stab|stabing|shoot|shooting|snap and hurt|snap and kil|lose control and hurt)(?: \w+)? (?:my|someone|somebody|people|him|her|them|the baby|the kids|others|a child)""",
    r"""(?:urge|urges|thoughts|thought|intrusive thoughts|images) (?:to|of|about) (?:hurt|hurting|kil|kiling|harm|harming|shake|shaking|smother|smothering|drown|drowning
    |stab|stabing|shoot|shooting) (?:my|someone|somebody|people|him|her|the baby|the kids|a child|others)""",
    r"""(?:i want to|i wana|i wanna|im going to|im gona|im gonna|ima|i wil|il|i could|i might|ready to|about to|planning to|plan to|going to|gona) (?:go )?(?:kil|shoot|stab|murder|strangle
    |smother|hurt|beat) (?:my (?:boss|husband|wife|ex|kids|kid|baby|son|daughter|neighbor|coworker|partner|mom|dad|landlord|brother|sister)|him|her|them|someone
    |somebody|people|everyone|everybody|my whole)\b(?! (?:for|with|an?|the|some|back|up|down|out|a text|a line) )""",
    r"shoot up (?:my|the|a|that) (?:school|job|work|office|clinic|hospital|place|building|church|mal)",
    r"(?:make|make them|make him|make her) (?:al )?pay(?: \w+){0,3} (?:gun|plan|kil)",
    r"(?:afraid|scared) to be alone with my (?:kids|baby|son|daughter|children)",
    r"(?:bought|got|have|grabed) (?:a |my )?gun(?: \w+){0,4} (?:to|and) (?:kil|shoot|make|go after|hurt) (?:him|her|them|my|someone)",
    r"(?:get|grab|load) my gun and go(?: \w+){0,3} (?:to|after|find)",
)
_HARM_ES = _c(
    r"""(?:miedo de|miedo a|ganas de|voy a|quiero|pienso|pensamientos de|siento que voy a|no puedo dejar de pensar en|pienso en|me da miedo|podria)(?: \w+)? (?:hacerle dano|hacerles dano
    |lastimar|matar|pegarle|golpear|ahogar|ahorcar|asfixiar|apunalar|dispararle|hacerle algo|sacudir|estrangular)(?: a)? (?:mi|mis|alguien|la gente|el|ella|ellos|todos|un|una|otra persona)\b""",
    r"(?:voy a|quiero) (?:ir|ir a) (?:por|buscar) (?:mi )?(?:pistola|arma)",
    r"tengo (?:una )?(?:pistola|arma)(?: \w+){0,2} y (?:voy|lo voy|la voy) a (?:ir a buscar|buscarl|matar)",
    r"(?:perder|pierda) el control y (?:lastimar|pegarle|hacerle dano|matar)",
    r"(?:explotar|estallar) y (?:hacerle dano|lastimar|matar) a",
    r"(?:miedo|me da miedo) (?:de )?quedarme sol[oa] con (?:mis|mi) (?:hijos|hijo|hija|bebe|ninos)",
    r"voy a hacer que (?:todos|ellos|el|ella) paguen",
    r"(?:quemar|incendiar) su casa",
)

# Someone else in danger now (crisis.py's third_party_risk covers "my daughter says she wants to kill herself").
_OTHER = r"""(?:my|our|a) (?:wife|husband|son|daughter|mom|mother|dad|father|brother|sister|friend|best friend|roommate|boyfriend|girlfriend|partner|teen
|teenager|kid|child|grandpa|grandma|grandfather|grandmother|cousin|uncle|aunt|coworker|neighbor|fiance|baby|toddler|nephew|niece|stepson|stepdaughter)"""
_OTHER_EN = _c(
    rf"{_OTHER}(?: \w+){{0,3}} (?:took|swallowed|downed|drank|overdosed|od d|oded)(?: \w+){{0,6}}\b(?:\w+ ){{0,4}}(?:not|isnt|wont|cant|unresponsive|passed out)(?: \w+)? (?:responding|waking|wake|breathing|answering|moving)?",
    rf"{_OTHER}(?: \w+){{0,2}} (?:took|swallowed|downed|ate|drank) (?:all|a bunch|a botle|the whole|a handful|too many|like \d+|\d+|every|the rest|way too many|something)(?: \w+){{0,3}} (?:pils|meds|xanax|tylenol|botle|medicine|medication|oxy|bleach|poison|insulin|ambien)\b(?! (?:last|years?|ago|in 20))",
    rf"(?:{_OTHER}|he|she|they)(?: is| s| are)? (?:not breathing|unresponsive|not responding|wont wake up|passed out next to|turning blue)",
    rf"{_OTHER}(?: \w+){{0,3}} (?:says|said|is saying|keeps saying|told me|texted|wrote|is threatening|threatens|threatened|wants|is going|is trying|tried)(?: \w+){{0,3}} (?:to )?(?:kil (?:himself|herself|themselves)|suicide|end (?:his|her|their) life|die tonight|jump off|hang (?:himself|herself))",
    rf"{_OTHER}(?: \w+){{0,3}} (?:is|s) (?:on|at) (?:the|a|his|her) (?:roof|bridge|ledge|balcony|railing|tracks)",
    rf"{_OTHER}(?: \w+){{0,3}} (?:cut|cuts|is cuting|slit) (?:her|his|their) (?:wrists|arms|wrist|arm|self|selves)|{_OTHER}(?: \w+){{0,3}} (?:is cuting|cut) (?:himself|herself|themselves)",
    rf"{_OTHER}(?: \w+){{0,3}} (?:sent|texted|left|posted) (?:me )?(?:a )?(?:goodbye|suicide|farewel) (?:text|note|mesage|leter|post)",
    rf"{_OTHER}(?: \w+){{0,3}} (?:is|s) in the garage with the (?:car|engine) (?:on|runing)",
    rf"{_OTHER}(?: \w+){{0,3}} (?:has|got) a (?:gun|knife|rope)(?: \w+){{0,3}} (?:says|wants|to|and)",
)
_OTRO = r"""(?:mi|nuestro|nuestra) (?:esposa|esposo|marido|hijo|hija|mama|papa|madre|padre|hermano|hermana|amigo|amiga|novio|novia|pareja|primo|prima|abuelo|abuela
|tio|tia|vecino|vecina|companero|companera|bebe|nieto|nieta|suegra|suegro)"""
_OTHER_ES = _c(
    rf"{_OTRO}(?: \w+){{0,3}} se (?:tomo|trago|bebio|acabo) (?:todas|todo|toda|un monton|un frasco|una caja|el frasco|la caja|el bote|muchas|demasiadas|varias|\d+|como \d+)(?: \w+){{0,4}} (?:pastillas|pastilas|medicinas|medicamentos|frasco|pildoras|cloro|veneno|xanax|clonazepam)",
    rf"{_OTRO}(?: \w+){{0,6}} (?:no despierta|no responde|no reacciona|no respira|esta inconsciente|no se despierta)",
    rf"{_OTRO}(?: \w+){{0,3}} (?:dice|dijo|me dijo|me escribio|amenaza|esta amenazando|quiere|habla de|me mando)(?: \w+){{0,3}} (?:que )?(?:se (?:va|quiere) (?:a )?(?:matar|suicidar|morir|colgar|ahorcar|aventar|tirar)|matarse|suicidarse|quitarse la vida|con matarse|con suicidarse)",
    rf"{_OTRO}(?: \w+){{0,3}} se (?:quiere|va a) (?:matar|suicidar|quitar la vida|colgar|ahorcar|aventar|tirar)",
    rf"{_OTRO}(?: \w+){{0,3}} (?:esta|se subio) (?:en|al|arriba de) (?:el|la|un) (?:puente|techo|azotea|barandal|cornisa|vias)",
    rf"{_OTRO}(?: \w+){{0,3}} se (?:corto|esta cortando|corta) (?:las venas|los brazos|la muneca)",
    rf"{_OTRO}(?: \w+){{0,3}} (?:me mando|dejo|escribio) (?:un|una) (?:mensaje|carta) de despedida",
)
# A past-time marker anywhere in the clause makes it history, not danger now.
_PAST = re.compile(
    _sq(
        r"\b(?:years? ago|last (?:year|month)|in (?:19|20)\d\d|when i was|used to|in (?:high school|colege|midle school)|(?:is|s|are) (?:fine|ok|okay) now"
        r"|anos atras|hace (?:anos|mucho|tiempo)|el ano pasado|cuando (?:yo )?era|en la prepa|ya esta bien)\b"
    )
)
# Jokes and everyday threats ("she's going to kill me for being late", "me va a matar si llego tarde jaja").
_JOKING = re.compile(
    _sq(
        r"\b(?:lol|lmao|jk|haha|hahaha|jaja|jajaja|jeje|xd)\b|(?:kil|mata|matar) me (?:for|if i(?:m)? (?:late|forget|dont|miss|spend|break))"
        r"|me (?:va a )?(?:mata|matar) si (?:no )?(?:llego|se entera|me ve|gasto|rompo|pierdo|olvido|le digo)"
    )
)
_IDIOM_CATEGORIES = ("domestic_violence", "harm_others")
# A question or a supposition about these topics is not a report.
_HYPOTHETICAL = re.compile(r"^(?:what (?:if|should|do)|how (?:do|can)|if |que (?:hago|pasa) si|si |como (?:ayudo|puedo))")

# Keywords in other scripts and languages: high precision, self-harm unless said otherwise.
_INTL = (
    (
        "self_harm",
        re.compile(
            r"自杀|自殺|想死|不想活|輕生|轻生|结束自己的生命|結束自己的生命|活不下去|割腕|跳楼|跳樓|遗书|遺書|"
            r"死にたい|自殺|生きていたくない|消えたい|"
            r"죽고\s*싶|자살|살고\s*싶지\s*않|목숨을\s*끊|뛰어내리|유서|손목을\s*그|"
            r"самоуби|покончить с собой|покончу с собой|не хочу (?:больше )?жить|хочу умереть|убить себя|убью себя|суицид|"
            r"انتحار|أنتحر|انتحر|أريد أن أموت|أريد الموت|لا أريد أن أعيش|لا أريد العيش|أقتل نفسي|"
            r"خودکشی|می‌خواهم بمیرم|میخواهم بمیرم|"
            r"tự tử|tự sát|(?<!mệt )(?<!đói )(?<!chán )muốn chết|không muốn sống|toi muon chet|muon tu tu|muon tu sat|khong muon song|"
            r"magpakamatay|magpapakamatay|pagpapakamatay|nagpakamatay ako|ayoko n(?:a|ang) mabuhay|gusto ko n(?:a|ang) mamatay|patayin ko ang sarili|saktan ang sarili|"
            r"ինքնասպան|ուզում եմ մեռնել|ուզում եմ մահանալ|չեմ ուզում ապրել|ինձ սպանել"
        ),
    ),
    (
        "domestic_violence",
        re.compile(
            r"(?:丈夫|老公|男朋友|男友)(?:打我|要杀我|威胁要杀我|说要杀了我)|"
            r"(?:남편|남자친구)[이가]?\s*(?:저를|나를)?\s*(?:때려|죽이겠|죽인다)|"
            r"(?:муж|парень)\s+(?:меня\s+)?(?:бь[её]т|избивает|угрожа)|"
            r"(?:زوجي|صديقي)\s*(?:يضربني|يهددني)|"
            r"(?:chồng|bạn trai)(?: tôi)? (?:đánh tôi|dọa giết tôi)|"
            r"(?:binubugbog|sinasaktan) ako|papatayin (?:daw )?(?:niya )?ako|"
            r"(?:ամուսինս|ընկերս)(?: ինձ)? (?:ծեծում|խփում|սպառնում)|"
            r"夫に殴られ"
        ),
    ),
)


# History, prevention and questions in the keyword languages (the learned layer still screens these).
_INTL_NOT_NOW = re.compile(
    r"预防|預防|几年前|幾年前|去年|以前|保险|保險|예방|몇 년 전|작년|профилакти|много лет назад|в прошлом году|الوقاية|منذ سنوات|phòng ngừa|năm trước"
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def screen_categories(text: str) -> str | None:
    """The category a precise rule finds in a message, or None. Never keeps the text."""
    if not text:
        return None
    if not text.isascii():
        folded = _fold(text)
        if _INTL_NOT_NOW.search(folded):
            folded = ""
        for category, pattern in _INTL:
            if pattern.search(folded):
                return category
    normalized = crisis_text.normalize(text)
    # Each pattern searches the whole message once (patterns do not cross a clause
    # boundary "|"); a match counts unless its clause asks, supposes, jokes or tells history.
    for category, patterns in (
        ("someone_else", (_OTHER_EN, _OTHER_ES)),
        ("domestic_violence", (_DV_EN, _DV_ES)),
        ("child_danger", (_CHILD_EN, _CHILD_ES)),
        ("harm_others", (_HARM_EN, _HARM_ES)),
    ):
        for pattern in patterns:
            for m in pattern.finditer(normalized):
                start = normalized.rfind("|", 0, m.start()) + 1
                end = normalized.find("|", m.end())
                clause = normalized[start : end if end >= 0 else len(normalized)].strip()
                if _HYPOTHETICAL.match(clause) or _PAST.search(clause):
                    continue
                if category in _IDIOM_CATEGORIES and _JOKING.search(clause):
                    continue
                return category
    return None
