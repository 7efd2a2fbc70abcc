"""The crisis screen's English patterns (see knowledge/crisis.py for how they are used).

Regular expressions, i.e. code: every change goes through tests/test_crisis_screen.py and, when
what the rules fire on changes, a retrain of the learned layer (`carebot screen train`).
Written in plain spelling, accent-free and without apostrophes; doubled letters are squeezed
at import the same way messages are (so "kill" matches "kil", "kill", "killll").
"""

from __future__ import annotations

from knowledge.crisis_text import Patterns

__all__ = ["PATTERNS"]

_MACROS = {
    # Desire, intent, plan, urge: what turns "die" or "disappear" into a crisis.
    # Desire, plan, urge: what turns "die" or "disappear" into a crisis, whoever says it.
    "WANT": r"""(?:want to|wanna|want 2|wnat to|wan to|wamt to|need to|finna|about to|bout to|ready to|planning to|planning on
        |plan to|plan on|would like to|feel like|thinking of|thinking about|think about|thought about|tempted to|trying to|try to
        |decided to|deserve to|wish i could|wish i would|wish to|want to just|need to just|hope to|rather)""",
    # Future and modals count only with a first-person subject: "I'm gonna die", not "my plants will die".
    "FUTURE": r"""(?:(?:i|im|i am|iam|ima)(?: just| really| literally| probably| actually| definitely| seriously
        | honestly)? (?:gonna|going to|goin to|gunna|going 2|will|might|may|should|could|have to|would)|ill|i will)""",
    "INTENT": r"(?:{WANT}|{FUTURE})",
    "FIRST": r"(?:i|im|i am|iam|ima|id|ive|me)",
    # A word that is not someone else ("i hope THEY don't die" is not about me).
    "GAPW": r"""(?:(?!(?:he|she|they|theyre|theyll|theyd|we|you|it|kaiser|someone|somebody|people|my|his|her|their|your|our|the
        |this|that)\b)\w+)""",
    "IM": r"(?:im|i am|iam|ima)",
    "ANYMORE": r"(?:anymore|any more|no more|no longer|any longer)",
    "MYSELF": r"(?:my ?self|myslf|meself|mysef)",
    "PILLNAMES": r"""(?:pills|pill|meds|medication|medications|medicine|medicines|tablets|capsules|xanax|tylenol|advil
        |ibuprofen|acetaminophen|paracetamol|benadryl|aspirin|klonopin|ativan|valium|ambien|seroquel|lithium|oxy|oxys
        |oxycodone|percocet|vicodin|fentanyl|norco|adderall|zoloft|prozac|lexapro|wellbutrin|trazodone|insulin
        |antidepressants|painkillers|sleeping pills|sleeping tablets|gabapentin|lorazepam|clonazepam|sertraline|melatonin)""",
    # Also what pills come in, for "took the whole bottle".
    "PILLS": r"(?:{PILLNAMES}|prescription|bottle|supply|stash)",
    "ALCOHOL": r"(?:alcohol|vodka|wine|beer|booze|tequila|liquor|whiskey|rum)",
    "QTY": r"""(?:all|all of|all the|a bunch of|a handful of|handfuls of|a whole bottle of|the whole bottle of|a bottle of
        |the bottle of|the rest of|a box of|a pack of|a whole pack of|the whole pack of|too many|way too many|a lot of|lots of
        |loads of|extra|several|double|[1-9]\d+|like [1-9]\d+|about [1-9]\d+|around [1-9]\d+|over [1-9]\d+|dozens of|a month of|my whole supply of
        |everything in my|too much|way too much|my whole|the whole|the entire|my entire|every one of|every last one of
        |a whole bunch of|a ton of|tons of|a shit ton of)""",
}

_IMMINENT = (
    # on a ledge, a bridge, the tracks
    r"""(?:standing|sitting|sat|stood|im|i am|ima) on (?:the|a|my|this|top of (?:the|a|my|this))(?: \w+){0,2} (?:bridge|ledge|roof|rooftop|balcony|overpass|cliff|railing|tracks|train tracks)""",
    r"""jump (?:off of|off|from|of) (?:the|a|my|this|that) (?:\w+ )?(?:bridge|roof|building|balcony|overpass|cliff|window
        |ledge|parking garage|parking structure|tower|freeway)""",
    r"(?:jump|step|walk|throw myself) in front of (?:a|the) (?:train|car|bus|truck|traffic)",
    # means at hand
    r"""(?:gun|pistol|rifle|firearm|knife|razor|blade|rope|noose) (?:is )?(?:in my (?:hand|hands|lap|mouth)|to my head
        |next to me|ready|loaded|right here|on my lap)""",
    r"loaded (?:gun|pistol|rifle)",
    r"(?:tied|tying|made|making|bought) (?:a|the) (?:noose|rope)",
    # goodbyes and a timed plan
    r"tonight is the night",
    r"this is (?:my )?(?:goodbye|last goodbye|farewell)",
    r"this is my last (?:night|day on earth|goodbye)|this is my last (?:message|text){END}",
    r"(?:goodbye|bye) (?:forever|world|cruel world|everyone|everybody)\b(?! (?:at|from|in) )",
    r"(?:said|saying|say) my goodbyes",
    r"(?:wrote|writing|written|write|left|leaving|finished) (?:my|a|the) (?:suicide |goodbye |farewell |last )(?:note|letter|message)s?",
    r"(?:my|a) suicide (?:note|letter|plan)",
    r"(?:a|the|my) plan (?:to|for how to|on how to|for when i) (?:die|end it|kill|do it|take my)",
    # not safe
    r"(?:dont|do not|dont really) feel safe (?:with|around|from) {MYSELF}",
    r"(?:cant|cannot|can not|not able to|unable to) keep {MYSELF} safe",
    r"(?:im|i am|i feel|i dont feel|i am just|im just) not safe (?:with myself|right now|tonight|alone|to be alone|anymore|around myself|from myself)",
    r"not safe (?:to be )?(?:alone with|around|from) {MYSELF}",
    r"{IM} (?:a )?danger to {MYSELF}",
    r"(?:scared|afraid|terrified|worried) (?:of|about) what (?:i|im|ill|id|i m)(?: \w+){0,2} do\b",
    r"(?:scared|afraid|terrified) of {MYSELF}\b",
    # euphemisms and acts
    r"{IM} (?:at|on|by|under|up on|standing at) (?:the|a) (?:\w+ )?(?:bridge|tracks|train tracks|ledge|roof|rooftop|cliff|overpass)\b",
    r"my (?:wrist|wrists|arm|arms|leg|legs|thigh|thighs|cuts) (?:are|is|wont stop|keep|keeps|keeps on|cant stop) (?:bleeding|bleed)",
    r"(?:cant|cannot|wont) (?:stop|get) the bleeding(?: to stop)?",
    r"""(?:swerve|swerving|swerved|drive|driving|drove|crash|crashing|walk|walking|walked|step|stepping|run|running|jump|jumping)(?: \w+)? (?:into|in front of) (?:oncoming |the )?(?:traffic|a truck|a train|the train|a wall|the freeway|the ocean|the sea|the river|a bus)""",
    r"jump (?:off|from) (?:something|somewhere|anything|someplace|a high|the top)",
    r"""(?:held|holding|hold|put|pressed|pressing|had) (?:a|the|my) (?:knife|blade|razor|gun|pistol|scissors) (?:to|against|on|at) my (?:wrist|wrists|throat
        |neck|head|arm|skin|temple|chest)""",
    r"(?:letter|letters|note|notes|message|messages)(?: \w+){0,4}? (?:to )?say (?:my )?goodbye",
    r"(?:say|said|saying|says) (?:my )?goodbyes? to (?:everyone|everybody|my family|my kids|the world|you all|all of you|this world)\b",
    r"tell (?:my|the) (?:mom|mother|dad|father|kids|family|wife|husband|partner|son|daughter|sister|brother) (?:that )?i (?:love|loved|am sorry|m sorry)",
    r"""(?:razor|blade|knife|gun|pistol|pills|rope|noose)\b(?: \w+){0,6} (?:going to|gonna|about to|will|ill|ready to|planning to) use (?:it|them)\b""",
    r"(?:drive|driving|drove|steer|steering) (?:my car |the car |my truck )?(?:off|of) (?:a|the) (?:bridge|cliff|overpass)",
    r"""(?:dont|cant|do not|can not) (?:see|picture|imagine) (?:myself|me) (?:being )?(?:alive|around|here|living|making it|surviving)(?: (?:by|past|til|until|next|in|much longer|for long|a year|tomorrow|another))""",
    r"(?:drive|crash|steer|drove|crashed|driving|crashing) (?:my car|the car|myself|my truck) (?:off|into|over) (?:a|the) (?:cliff|bridge|wall|tree|ocean|pole|truck|traffic|river|canyon)",
    r"(?:wont|will not|not going to|dont think ill|dont think i will|may not|might not|probably wont) make it (?:through|til|until|to|past) (?:the night|tonight|tomorrow|the morning|morning|the weekend)",
    r"(?:wont|will not|not going to|wont even) be (?:around|here|alive) (?:much longer|for long|for much longer|anymore|any more)",
    r"(?:you|nobody|no one|noone|you guys|anyone) (?:wont|will not|will never|is never going to|are never going to) (?:hear from|see|hear) me again",
    r"(?:giving|gave|give) away (?:all )?my (?:stuff|things|belongings|possessions)",
    r"(?:have|got|gathered|bought) (?:everything|all) i need to (?:do it|end it|kill|die)",
    r"{PILLNAMES} (?:lined up|counted out|set aside|in my (?:hand|hands|mouth)|in front of me)",
    r"(?:have|got|ive got|i have) (?:my |the |all my |all the )?{PILLNAMES} ready",
)

_OVERDOSE = (
    r"{INTENT} (?:just )?(?:overdose|od|o d|take an overdose)\b",
    r"{FUTURE} (?:just )?(?:take|swallow) (?:all|all of) (?:my|the) {PILLNAMES}\b",
    r"""(?:plan is to|plan to|planning to|planning on|going to|gonna|want to|wanna|about to|ready to|decided to|thinking of|thinking about
        |tempted to) (?:just )?(?:take|taking|swallow|swallowing|down) {QTY} (?:(?:my|the|these|those|of my|of the) )?(?:\w+ )?{PILLS}\b""",
    r"(?:i|ive|i have|i just|just|already) (?:overdosed|oded|od d|took an overdose)\b",
    r"(?:thinking (?:about|of)|considering|tempted by|planning an?) (?:an )?overdos(?:e|ing)",
    r"""(?:took|swallowed|swallowing|downed|chugged|ate|popped|took like) {QTY} (?:(?:my|the|these|those|of my|of the|her|his) )?(?:\w+ )?{PILLS}\b""",
    r"""(?:saving|saved|stockpiling|stockpiled|hoarding|hoarded|collecting|stashing|stashed) (?:up )?(?:my |some |all my |all of my |enough |a bunch of )?{PILLNAMES}""",
    r"{PILLNAMES} (?:saved|stockpiled|stashed|hoarded) (?:up|for)",
    r"(?:drink|drank|drinking|swallow|swallowed) (?:some |the )?(?:bleach|antifreeze|poison|drain cleaner)",
    r"(?:lethal|fatal|deadly) (?:dose|amount|overdose)",
    r"(?:took|swallowed|taken|had) (?:way |a lot |a few |lots )?more (?:of )?(?:my |the |those |these )?(?:\w+ )?{PILLNAMES} than (?:i should|prescribed|i was supposed to|i am supposed to|im supposed to|the doctor said)",
    r"(?:swallow|swallowing|take|taking|took|down|ate) (?:everything|all of it|all of them|whatever) (?:in|from) (?:the|my) (?:medicine )?(?:cabinet|cupboard|bottle)",
    # "I've got vodka and all my klonopin"; not "can I take my meds with alcohol?"
    r"""(?:got|have|ive got|i have|bought|grabbed) (?:a |the |my |some |all my )?(?:\w+ ){0,3}?(?:{ALCOHOL}\b(?: \w+){0,3} and (?:\w+ ){0,3}?{PILLNAMES}
        |{PILLNAMES}\b(?: \w+){0,3} and (?:\w+ ){0,3}?{ALCOHOL})\b""",
    r"""how many (?:of )?(?:my |these |the )?(?:\w+ )?{PILLS}\b(?: \w+){0,3} (?:(?:would|does|will) (?:it )?take\b(?! (?:for|to (?:work|kick|start|help)))
        |kill me|to kill|to die|to overdose|to od|are lethal|is lethal|would be lethal)""",
    r"(?:mixed|mixing|took) (?:my |some |a bunch of |all my )?(?:\w+ )?{PILLNAMES} (?:with|and) (?:{ALCOHOL}|drinks)",
)

_SUICIDAL = (
    # kill myself, in all its spellings; kms; unalive
    r"ki?l(?:ing|in|ed|s)? {MYSELF}",
    r"kms\b",
    r"(?:unalive|unaliving|unalived) (?:{MYSELF}|me)",
    r"sewer ?slide",
    r"(?:{INTENT}|gonna|going to|just|about to) off {MYSELF}",
    r"(?:end|ending|ended|take|taking|took) my (?:own )?life",
    r"(?:end|ending) it al+\b",
    # "end it" needs a first-person subject: "they need to end it" is strike talk
    r"""(?:{FIRST} (?:{GAPW} ){0,2}?{WANT}|{FUTURE}|wanna|finna) (?:just )?end (?:it|things|everything|my suffering|it for good|this life
        |the pain|my pain|this){END}""",
    r"(?:{FIRST} (?:{GAPW} ){0,2}?{WANT}|{FUTURE}|wanna|finna) (?:just )?end (?:it|things|everything) (?:tonight|today|now|for good|soon|forever)",
    r"(?:thinking|thought|think) (?:about|of) (?:ending it|ending things|ending everything)\b(?! with)",
    r"{IM} (?:going to |gonna )?ending (?:it|things|everything)",
    # wanting to die
    r"{INTENT} (?:just |simply |literally |fucking |fking |really |finally |go |lay down and |lie down and )?die\b(?! (?:of|from|laughing))",
    r"(?:i|ive|i have|i just|i really|i still|i kinda|i) (?:wanted|want|wish|wished) (?:to die|i (?:was|were) dead|to be dead)",
    r"(?:rather|prefer to|better) (?:be )?(?:dead|die)\b",
    r"(?:want|wanna|need|wish) to be dead",
    r"""wish i (?:was|were|could be|would be|could just be|had been) (?:dead|gone|never born|not alive|not born|not here|no longer here)""",
    r"wish i (?:wasnt|werent|was not|were not) (?:alive|here|born|around)",
    r"wish i (?:had )?never (?:been born|woke up|wake up|existed)",
    r"""wish i (?:could|would) (?:just )?(?:die|disappear|vanish|not wake up|never wake up|sleep forever|stop existing
        |not exist|fall asleep and never|go to sleep and never|cease to exist)""",
    r"wish i didnt (?:exist|wake up)",
    r"(?:hope|pray|praying|hoping) (?:that )?i (?:die|dont wake up|do not wake up|never wake up|get hit by|dont make it|wont wake up)",
    r"(?:dont|do not|never) (?:really )?(?:want to|wanna|want 2|wana) wake up",
    r"""(?:dont|do not|dont really|dont even) (?:want to|wanna|want 2) (?:be alive|live|exist|be here|keep living|be living
        |continue living|be on this earth|be in this world|go on living|stay alive|be around)\b""",
    r"(?:dont|do not) (?:want to|wanna|want 2) go on(?: living| like this| anymore|{END})",
    r"(?:dont|do not|dont really|dont even) feel like (?:living|being alive|existing|going on|waking up|being here)\b",
    r"(?:want|wanna|need|wish) (?:to )?(?:not exist|not be alive|not be here|stop existing|not wake up|cease to exist)",
    r"{INTENT} (?:just |simply )?(?:disappear|vanish|not exist|cease to exist|stop existing|sleep forever|go to sleep forever|go to sleep and never wake up|fall asleep and never wake up)",
    r"(?:better off|happier) (?:dead|gone|without me|if i (?:was|were|wasnt|werent|was not|were not|died|was gone|were gone|disappeared))",
    r"(?:world|everyone|everybody|they|family|kids) (?:would be |will be |are |d be )?better without me",
    r"""(?:no one|noone|nobody|no body|not one person) (?:would|will|is going to|gonna|would even|will even|would ever|would really) (?:miss|notice|care|cry)(?: me| if i)?""",
    r"feel like dying",
    r"ready to die",
    r"(?:i|me) (?:should|deserve to) (?:just )?die",
    r"(?:want|wish for|waiting for) (?:someone|somebody|something|a car|a bus|god|a truck) to kill me",
    r"wish (?:someone|somebody) would kill me",
    # suicide in the first person
    r"{IM} (?:so |very |really |kinda |kind of |pretty |feeling |getting |becoming |being |a bit |a little |literally |actively |passively |also |still |just ){0,3}suicidal",
    r"(?:feel|feeling|feels|felt|been|get|got|getting|went|go|going|turned) (?:so |very |really |kinda |kind of |pretty |a bit |a little |extremely |super |actively |passively )?suicidal",
    r"suicidal (?:again|tonight|today|right now|lately|rn|af|as hell)",
    r"""(?:having|have|had|get|getting|got|feel|feeling|experiencing|battling|fighting|struggling with|dealing with)(?: really| a lot of| some| bad| strong| constant| more| these| those| the| such| intense| frequent| many){0,2}(?: suicide| suicidal| dark| death) (?:thoughts|ideation|urges|feelings|ideas)""",
    r"(?:suicidal|suicide) (?:thoughts|urges|feelings) (?:are|have|came|come|keep coming|coming) (?:back|again)",
    r"""(?:thinking|thought|think|thinkin|considering|contemplating) (?:a lot )?(?:about |of )?(?:suicide|dying|death|not being here|not being alive
        |how to die)\b(?! (?:prevention|awareness|rates|statistics|hotline|of (?:a|my|his|her|the)))""",
    r"{INTENT} (?:commit|commiting|attempt|do) suicide",
    r"\bi (?:attempted|tried) suicide",
    r"(?:tried|try|trying|attempted|attempt) to (?:kill|end|take) (?:{MYSELF}|my life|my own life)",
    r"(?:whats|what is|what s) the point (?:of|in|to) (?:living|life|being alive|going on|existing|even living|anything anymore|being here|me)",
    r"(?:no|zero|dont see any|dont have any|dont see a|dont have a|lost my|without a|not a single) (?:reason|reasons) (?:to|for) (?:live|living|keep living|keep going|go on|stay|be alive|be here|wake up|stick around|exist)",
    r"nothing (?:left )?to live for",
    r"(?:not|isnt|no longer|aint) worth living",
    r"(?:life|living|my life) (?:is|isnt|is not|aint|just isnt) (?:not )?worth (?:it|living|anything)(?: anymore)?(?! if)",
    # broader forms
    r"(?:and|to|just|would|could|if i|i|then|forever and|off|of) (?:not|never) (?:wake|waking) up\b(?! (?:early|late|on time|in time|for|at))",
    r"""(?:only|best|easiest|last|one) (?:way out|way to (?:stop|end|escape)|option|answer|solution|choice|exit|thing left) (?:\w+ ){0,3}?(?:die
        |death|dying|suicide|kill myself)\b""",
    r"(?:plan|planning|planned|prepare|preparing|prepared|organizing|researching) (?:for |out )?(?:my|a) (?:suicide|exit)\b",
    r"(?:plan|planning|planned|prepare|preparing|prepared|organizing) (?:for |out )?my (?:own )?(?:death|funeral)\b",
    r"ending (?:everything|it all|my life|my own life)\b",
    r"(?:feel like|considering|contemplating|close to|near|thinking about|thinking of|thought about) ending (?:it|things)\b(?! with)",
    r"wish (?:i|id|i had|i would have|i d) never (?:been born|woke up|wake up|existed)",
    r"(?:want|wish for|long for|pray for|praying for|crave|craving|welcome|waiting for) death\b",
    r"""(?:death|dying|being dead|not existing|not being alive|not being here|suicide) (?:would be|seems|sounds|feels|is) (?:like )?(?:a relief
        |better|easier|peaceful|nice|the only|so much better|my only|the answer)""",
    r"want out of (?:this life|life|this world|existence)",
    r"""(?:easier|better|best|simpler) (?:\w+ ){0,3}?to (?:just )?(?:not be (?:here|alive|around)|not exist|disappear|die|not wake up|stop existing
        |end it all)\b""",
    r"(?:everyone|everybody|they|theyd|my family|the world|my kids|my children|people) (?:would|will|d) be (?:so much |much |a lot |way )?better off{END}",
    r"why (?:even )?bother (?:living|staying alive|going on|waking up|existing|being alive)\b",
    r"(?:want|wanna|need) out{END}",
    r"""(?:everyone|everybody|they|theyd|theyll|my family|my kids|my children|the world|people|my husband|my wife|my parents|my partner
        |all of them|my friends|my mom|my dad) (?:\w+ ){0,2}?(?:would|will|d|are|be) (?:all |just )?(?:be )?(?:fine|ok|okay|better|happier|better off
        |relieved) without (?:me|someone like me|a (?:\w+ ){1,2}like me)\b""",
    # "I don't care if I die", "i hope i die": a first-person subject a few words before "die"
    r"i (?:{GAPW} ){0,3}?die\b(?! (?:for|of|from|laughing|trying|waiting|on hold|happy|old|a little|inside|of old age))",
    r"how to (?:end it\b(?! with)|end my life|die|kill myself|commit suicide|overdose|hang myself|do it painlessly)\b",
    r"(?:thinking (?:of|about)|considering|going to|gonna|want to|wanna|about to|ready to|might) (?:just )?(?:jumping|jump){END}",
    r"(?:its|it is) time for me to (?:leave this world|say goodbye|end it|end this){END}",
    r"my time (?:is up|has come)\b",
    r"if i (?:was|were) (?:dead|gone for good|gone forever|never born)\b",
    r"{INTENT} (?:just )?stop (?:existing|breathing|being alive|living{END}|living anymore|being here{END}|(?:feeling|being|thinking)(?: \w+)? (?:forever|for good|permanently))",
    r"""(?:looking up|looked up|look up|googling|googled|searching|searched|researching|researched|reading about|read about
        |watching videos on)(?: \w+){0,2} (?:ways to|how to|methods to|the best way to) (?:die|kill myself|end it|end my life|commit suicide|overdose|od|hang myself)""",
    r"(?:painless|quick|easy|quickest|easiest|fastest|best|surest) (?:way|ways|method|methods) to (?:die|end it|kill myself|end my life)",
    r"(?:suicide|suicide methods|methods of suicide) (?:methods|ways|instructions)",
    r"better off without (?:me|someone like me|a (?:\w+ ){1,2}like me|my (?:sorry|useless|stupid|worthless) (?:self|ass))\b",
    r"""(?:easier|better|happier|best|simpler|fine|lighter|relieved|glad|okay|ok|happy) (?:\w+ ){0,4}?if i (?:just )?(?:(?:wasnt|werent|was not|were not)(?: here| alive| around| born| in the picture)|disappeared|died|was gone|were gone|was dead|were dead|didnt exist|never existed|killed myself)\b""",
    r"""(?:no|dont see the|dont see any|cant see the|whats the|what is the|is there any|is there a|theres no|there is no|without a
        |lost the) point (?:in |of |to )?(?:living|life|being alive|going on|existing|being here|waking up|me being here|anything anymore|go on|live|staying alive|being around)\b""",
    r"""(?:care|cares|caring|notice|notices|matter|matters|would know) (?:\w+ ){0,2}?(?:if|whether) i (?:live or die|die|died|disappear|disappeared
        |was gone|were gone|killed myself|wasnt here|am alive|m alive)\b""",
    r"(?:hope|hoping|pray|praying) (?:that )?(?:a car|something|a bus|a truck|someone|somebody|a train) (?:hits|kills|runs over|will kill) me",
    r"(?:hope|hoping|pray|praying) (?:that )?i (?:get hit|crash|get cancer|dont survive|get killed|never wake)",
)

_SELF_HARM = (
    r"""(?:hurt|hurting|hurts|harm|harming|harmed|cut|cutting|cuts|burn|burned|burnt|burning|hit|hitting|punch|punching
        |punched|scratch|scratching|scratched|starve|starving|starved|choke|choking|strangle|strangling|beat|beating|bang
        |banging|slice|sliced|slicing|slit|slitting|stab|stabbed|stabbing|poison|poisoning|poisoned|drown|drowning|hang
        |hanging|hanged|bruise|bruising|mutilate|mutilating|pinch|pinching|bite|biting) {MYSELF}""",
    r"\bi (?:self ?harm|selfharm)",
    r"(?:been|started|start|starting|keep|kept|still|am|im|was|back to|relapsed on|relapsed into|relapse|relapsed with|relapsed) (?:self ?harm|selfharm)(?:ing|ed)?",
    r"(?:self ?harm|selfharm)(?:ing|ed)? (?:again|urges (?:are|came|have come|coming) back|is back|tonight|today|rn)",
    r"relapsed (?:on|into|with|and started|and|again with)? ?(?:self ?harm|cutting|cut|burning)",
    r"(?:urge|urges) to (?:cut|self ?harm|hurt|harm|burn|bleed)",
    r"""(?:started|start|been|keep|kept|back to|relapsed and|im|i am|was|still|stop) cutting\b(?! (?:back|down|it|class|corners
        |hair|the|my hair|out|off|ties|costs|coupons|classes|school|work|onions|vegetables|paper|grass|wood|in|my|our|their|his|her|your
        |sessions|appointments|hours|pay|benefits|staff|services|carbs|sugar))""",
    r"cutting (?:again|deeper|a lot|more)(?: lately| tonight| recently| than before| these days|{END})",
    r"(?:cut|cutting|burned|burning) (?:again|deeper|too deep) (?:tonight|today|last night|this morning|rn|right now)",
    r"(?:cut|cutting|slit|slitting|slice|slicing|sliced|burned|burning) (?:my|both) (?:wrist|wrists|arm|arms|leg|legs|thigh|thighs|skin|stomach)",
    r"cut (?:too )?deep\b",
    r"(?:trying|try|tried|struggling|fighting) (?:so hard |hard |really hard )?not to (?:hurt|harm|cut|kill|burn) {MYSELF}",
    r"(?:do|doing) (?:something|smth|sth|stuff|things|something bad) (?:to|bad to) {MYSELF}",
    r"i(?:ll|m|d)? (?:{GAPW} ){0,3}?do something (?:stupid|drastic|dangerous|bad|irreversible)",
    r"(?:voices|voice) (?:\w+ ){0,3}?(?:hurt|kill|harm|cut) {MYSELF}",
    r"""(?:cut|cuts|cutting|carve|carved|carving|slice|sliced|slicing|scratch|scratched|scratching|scrape|scraped|burn|burned|burning
        |stab|stabbed) (?:into |up |at )?my (?:wrist|wrists|arm|arms|forearm|forearms|leg|legs|thigh|thighs|skin|stomach|hips|hip|body
        |chest|ankles|belly)\b""",
    r"until (?:i|it|they) (?:bleed|bleeds|bled|bleeding|bruise)",
)

_HOPELESS = (
    r"""(?:cant|cannot|can not|couldnt|not able to) (?:go on(?: like this| anymore| any more| living| with life|{END})|do this (?:anymore|any more|no more|life)
        |do this{END}|take (?:it|this|this anymore|life|it any|much more)(?: {ANYMORE})|take (?:much|any) more|keep (?:going|living|doing this)
        |handle (?:it|this|life|anything) {ANYMORE}|live like this|live with this|cope (?:anymore|any more|with life|with anything)
        |bear (?:it|this|life) {ANYMORE}|bear it{END}|stand (?:it|this|life|living) {ANYMORE}|do it (?:anymore|any more))""",
    r"(?:no|theres no|there is no|dont see a|dont see any|cant see a|cant find a|i see no) way out(?: for me| of this (?:pain|life|hell|darkness|mess)|{END})",
    r"(?:lost all|lost|given up all|no more|theres no|there is no|without any|no) hope(?: left| for me| anymore|{END})",
    r"(?:feel|feeling|im|i am|so|completely|totally|utterly|just) hopeless",
    r"(?:give|giving|given|gave) up on (?:life|living|everything|myself|being alive)",
    r"(?:im|i am|i m|i feel like|feel like|feeling like|being|i feel|ive been|i have been) (?:\w+ ){0,2}?a burden\b",
    r"burden (?:to|on|for) (?:everyone|everybody|everyone around me|the people around me)",
    r"(?:tired|sick|exhausted) of (?:living|being alive|life|existing|being here|waking up|everything{END}|it all{END}|fighting{END})",
    r"(?:done|finished) with (?:life|living|being alive|this life|existing|this world|it all{END}|everything{END})",
    r"(?:want|wanna|need) (?:it all|everything|all of this|the pain|this pain|life|the suffering|my life) to (?:end|stop|be over|go away)",
    r"(?:want|wanna|need) it (?:all )?to (?:end|stop|be over)(?: forever| for good|{END})",
    r"wish (?:it|everything|this|life|it all) (?:would|could) (?:all )?(?:end|stop)",
    r"nothing matters (?:anymore|any more)",
    r"(?:my life is|my lifes|its all over for|it s all over for) (?:over|me)\b",
    r"(?:theres|there is) nothing left (?:for me|in me|to live for|to lose)",
    r"(?:whats|what is) (?:even )?the point (?:anymore|any more|of anything|of it all|in anything|of me|of trying anymore)",
    r"(?:whats|what is) (?:even )?the point{END}",
)

_THIRD_PARTY = (
    r"""(?:wants|want|is going|s going|gonna|is planning|plans|planning|is threatening|threatens|is trying|is about|says he wants
        |says she wants|might|will|hell|shell|theyll|going|keeps saying he wants|keeps saying she wants) to (?:kill|hurt|harm|end) (?:himself|herself|themselves|themself|his life|her life|their life)""",
    r"(?:he|she|they|son|daughter|kid|child|friend|partner|husband|wife|brother|sister|mom|dad|mother|father) (?:is|s|are|re) (?:so |very |really |feeling |acting |being |actively |now |getting )?suicidal",
    r"(?:just|has just|is) (?:overdosed|overdosing|taken all (?:his|her|their) {PILLS})",
    r"(?:he|she|they) (?:just )?took (?:all|a bunch of|a bottle of|a whole bottle of|too many) (?:of )?(?:his|her|their)? ?{PILLS}",
)

_TOPIC = (
    r"suicid(?:e|al) (?:thoughts|ideation|urges|feelings|ideas|thinking)",
    r"(?:self ?harm|selfharm)(?:ing)? (?:urges|thoughts)",
    r"my (?:self ?harm|selfharm|cutting|suicidal (?:thoughts|feelings|ideation))\b",
    r"""suicidal\b(?! (?:thoughts|ideation|urges|feelings|ideas|thinking|patients|people|members|teens|kids|youth|behavior|behaviour
        |risk|crisis|hotline|prevention|clients|individuals|person|persons|cases|adolescents|adults|veterans))""",
)

_RESOURCE_REQUEST = (
    r"""(?:whats|what is|what s|give me|send me|i need|need|where is|wheres|how do i (?:call|reach|text|contact|get)|how can i (?:call|reach|text|contact|get)
        |how to (?:call|reach|text|contact|get)|number (?:for|of|to)|can you give me|looking for|find)(?: \w+){0,4} (?:suicide|crisis|988|suicide prevention|mental health crisis)(?: prevention)? (?:hotline|line|lifeline|number|text line|chat|phone)""",
)

# Idioms that share words with crisis phrases: masked before matching.
_MASKS = (
    r"(?:die|died|dying|dead) (?:of|from) (?:embarrassment|laughter|laughing|shame|cringe|boredom|curiosity|hunger|thirst|cuteness)",
    r"ki?l(?:ing|in|ed)? {MYSELF} (?:laughing|trying|working|at work|studying|at the gym|to get|to make|to pay|to keep|for this job|over this job)",
    r"(?:hurt|hurting|burned|burnt|burn|cut|cutting|injured) {MYSELF} (?:at (?:work|the gym)|playing|lifting|while|working out|running|exercising|moving|cooking|shaving|chopping|on (?:the|a) (?:stove|iron|oven|pan|knife|can|paper)|with (?:the|a) (?:iron|stove|oven|pan|kitchen knife)|in a fall|falling|when i (?:fell|tripped|slipped))",
    r"beat(?:ing)? {MYSELF} up",
    r"(?:die|died|dying) laughing",
    r"(?:die|dying|died) (?:my|her|his|the|it|our) (?:hair|beard|roots|eyebrows|clothes|shirt|jeans|shoes)",  # "dye", misspelt
    r"(?:burned|burnt|burn|cut|scratched|scraped) my (?:\w+) (?:on (?:the|a|my)|while|cooking|at work|ironing|shaving|making|when i (?:fell|tripped|slipped))",
    r"""live (?:in|near|at|on|by|close to|far from|with (?:my|a) (?:parents|mom|dad|roommate|roommates|family|ex|in laws|sister|brother)|there)\b(?! (?:this|such|a world|pain|fear|misery|agony|hell|constant|the dark|darkness|shame)\b)""",
)

PATTERNS = Patterns(
    lang="en",
    macros=_MACROS,
    imminent_danger=_IMMINENT,
    overdose=_OVERDOSE,
    suicidal_ideation=_SUICIDAL,
    self_harm=_SELF_HARM,
    hopelessness=_HOPELESS,
    third_party_risk=_THIRD_PARTY,
    topic=_TOPIC,
    resource_request=_RESOURCE_REQUEST,
    masks=_MASKS,
)
