"""The crisis screen's Spanish patterns (see knowledge/crisis.py for how they are used).

Regular expressions, i.e. code: every change goes through tests/test_crisis_screen.py and, when
what the rules fire on changes, a retrain of the learned layer (`carebot screen train`).
Written in plain spelling, accent-free and without apostrophes; doubled letters are squeezed
at import the same way messages are. A few code-switched phrasings ("my son tiene ideas
suicidas") live here too.
"""

from __future__ import annotations

from knowledge.crisis_text import Patterns

__all__ = ["PATTERNS"]

_MACROS = {
    "QUIERO": r"""(?:quiero|qiero|kiero|kero|quero|quisiera|kisiera|queria|deseo|necesito|voy a|vo a|pienso|prefiero
        |preferiria|ganas de|quiero ya|me gustaria|estoy pensando en|he pensado en|pensando en|pienso en|a punto de)""",
    "PASTILLAS": r"(?:pastillas|pastiyas|pildoras|medicinas|medicamentos|tabletas|capsulas|pastas|clonazepam|tafil|xanax|rivotril)",
}

_IMMINENT = (
    # puente, azotea, vías; medios a la mano; despedidas; no estar a salvo
    r"estoy (?:en|arriba de|encima de|parada en|parado en) (?:el|la|un|una) (?:puente|techo|azotea|balcon|cornisa|vias|orilla del puente)",
    r"""(?:voy a|me voy a|quiero|pienso|estoy por|a punto de) (?:saltar|aventarme|tirarme|lanzarme|brincar|aventar|tirar|lanzar)(?: (?:del|de un|de una|desde|por la|por el|al vacio|a las vias|al metro|al tren|frente al|de la|de este|de ese)\b|{END})""",
    r"me (?:voy a|quiero|pienso) (?:aventar|tirar|lanzar) (?:del|de un|de una|desde|por la|por el|al vacio|a las vias|al metro|frente al)\b",
    r"""(?:tengo|traigo|agarre|compre) (?:una|la|el|un|mi) (?:pistola|arma|cuchillo|navaja|soga|cuerda|reata)(?: \w+){0,2} (?:aqui|conmigo|en la mano|en las manos|lista|listo|cargada|cargado|preparada|preparado)""",
    r"(?:pistola|arma) cargada",
    r"carta de despedida",
    r"(?:esta es|este es|esta sera) mi (?:despedida|ultimo mensaje|ultima noche)",
    r"adios (?:a todos|para siempre|mundo)\b|me despido (?:para siempre|de este mundo)",
    r"no me siento segur[oa] (?:conmigo|sol[oa]|de mi mism[oa]|en este momento{END}|ahora{END})",
    r"no estoy a salvo",
    r"no (?:puedo|podre) mantenerme a salvo",
    r"(?:escribi|escribiendo|deje|dejo|voy a dejar) (?:una|la|mi|unas|las) cartas? (?:para|a) (?:mi familia|mis hijos|mi mama|mi papa|todos|mi esposo|mi esposa)",
    r"(?:tengo|hice) un plan para (?:matarme|morir|suicidarme|quitarme la vida|acabar con mi vida)",
    r"esta noche (?:me mato|me voy a matar|se acaba todo|termina todo|me quito la vida)",
    r"(?:tengo|esta|ya tengo|ya esta) todo (?:listo|preparado) para (?:irme|hacerlo|matarme|morir|acabar con todo)\b(?! (?:de|a|al|con|en)\b)",
    r"""(?:tirarme|aventarme|lanzarme|arrojarme|echarme) (?:al|a la|a las|del|de la|de un|de una|desde|por la|por el|frente al|enfrente del)(?: \w+)? ?(?:tren|metro|vias|puente|edificio|ventana|vacio|azotea|techo|balcon|carretera|autopista|camion|carro|precipicio|rio|mar)""",
    r"""(?:me puse|puse|tengo|tenia|tuve) (?:el|un|la|una|mi) (?:cuchillo|navaja|pistola|arma) (?:en|contra) (?:la|mi|el) (?:muneca|cuello|cabeza
        |garganta|pecho|sien)""",
    r"no me veo (?:viv[oa]|aqui|con vida) (?:para|en|el|la|dentro)",
    # eufemismos y medios
    r"ya no (?:voy a estar|estare) (?:aqui|en este mundo|con ustedes|para ver)(?: mucho tiempo| por mucho tiempo|{END})",
    r"(?:nadie|ya no) me (?:va|van) a volver a (?:ver|oir)",
    r"(?:regalando|regale|voy a regalar) (?:todas )?mis cosas",
    r"(?:tengo|ya tengo|aqui tengo) (?:\w+ )?{PASTILLAS} (?:listas|preparadas|juntadas|contadas)",
    r"(?:junte|juntando|acumulando|acumule|escondiendo|escondi) (?:\w+ ){0,2}{PASTILLAS}",
)

_OVERDOSE = (
    r"""(?:me tome|tome|me trague|trague|me tomare|me voy a tomar|voy a tomar|quiero tomarme|tomarme)(?: \w+)?? (?:todas|todo|un frasco|una caja|un bote|un monton|muchas|demasiadas|varias|un puno|[1-9]\d+|como [1-9]\d+
        |mas de [1-9]\d+|el frasco|la caja|toda la caja|todo el frasco|el bote|un blister|una tira)(?: (?:de|las|mis|sus|la|el|del))*(?: \w+)? {PASTILLAS}""",
    r"(?:quiero|voy a|me voy a|pienso|pensando en|tome|me di|darme|me tome|tomarme|provocarme|ganas de|me meti) (?:\w+ ){0,2}sobredosis",
    r"(?:tome|me tome|me trague|voy a tomar) (?:cloro|veneno|raticida|anticongelante)",
    r"(?:dosis letal|dosis mortal|cuantas {PASTILLAS} (?:\w+ ){0,3}(?:necesito|se necesitan|para morir|para matarme|matan|son mortales))",
    r"(?:mezcle|mezclando|me tome|tome) (?:\w+ ){0,2}{PASTILLAS} con (?:alcohol|vino|cerveza|tequila|vodka|licor|mezcal)",
    r"(?:me tome|me trague|tome|trague) (?:todo el|el|un|una|toda la|la) (?:frasco|bote|caja|blister|tira) (?:entero|entera|completo|completa)",
    r"{PASTILLAS}\b(?: \w+){0,6} (?:me (?:las|lo|los) )?(?:voy a|quiero|pienso) (?:tomar|tomarme|tragar|tragarme)(?:las|los|lo)? (?:todas|todo|todos|de golpe|juntas)",
)

_SUICIDAL = (
    # matarme, suicidarme, quitarme la vida, morirme
    r"matarme\b",
    r"sui[cs]idarme|sui[cs]idarm\b",
    r"quitarme (?:la|mi) (?:propia )?vida",
    r"(?:acabar|terminar|acabo|termino) con mi (?:propia )?vida",
    r"(?:terminar|acabar|quitar) mi vida",
    r"morirme\b",
    r"""me (?:quiero|qiero|kiero|kero|quero|voy a|vo a|pienso|quisiera|queria|gustaria|dan ganas de|dieron ganas de|daban ganas de
        |tengo que|deberia|podria|quise|intente|trate de|he querido|quiero ya|voy|dan ganas|vienen ganas de) (?:sui[cs]idar|matar|quitar la vida|morir|ir de este mundo|ir para siempre|quitar de en medio)\b""",
    r"""{QUIERO} (?:\w+ )??(?:morir|morirme|matarme|sui[cs]idarme|desaparecer|dejar de existir|no existir|no estar aqui
        |no haber nacido|dormir para siempre|irme de este mundo|irme para siempre|acabar con todo|terminar con todo|acabar con mi vida
        |quitarme la vida|no despertar|estar muert[oa])\b(?! de )""",
    r"""(?:mejor|ojala|quisiera|seria mejor si|seria mejor|preferiria|prefiero|quiero) (?:(?:que|yo|ya|mejor|de una vez|simplemente|solo|nomas) ){0,2}(?:me muero|me muera|me muriera|muriera|morirme|morir|estar muert[oa]|estuviera muert[oa]|no despertar|no despierte|no despertara
        |no despertarme|no haber nacido|desaparecer|desaparezco|desapareciera|no estar(?: aqui| viv[oa]| en este mundo|{END})|no existir
        |no estuviera)\b(?! de )""",
    r"(?:mejor|preferible) muert[oa]\b",
    r"""(?:ya )?no (?:quiero|kiero|qiero|quisiera|deseo|tengo ganas de) (?:vivir|seguir viviendo|estar vivo|estar viva|existir
        |despertar|despertarme|estar aqui|seguir aqui|estar en este mundo|seguir en este mundo|vivir mas|vivir asi|seguir con vida
        |seguir|estar|vivir esta vida)\b(?! (?:en|cerca|lejos|con|de|por|pagando|esperando|llamando|con el|con la|la|el|los|las|un|una)\b)""",
    r"(?:no|nunca) (?:me )?(?:despierte|despertara|despertar|volver a despertar)(?: nunca| mas| manana| jamas)?{END}",
    r"y no despertar",
    r"(?:no (?:vale|tiene) (?:la pena|sentido|caso)|ya no (?:vale|tiene) (?:la pena|sentido|caso)) (?:vivir|seguir viviendo|seguir vivo|seguir viva|la vida|existir|estar aqui|seguir aqui|mi vida|seguir{END})",
    r"(?:la|mi) vida (?:ya )?no (?:tiene sentido|vale la pena|vale nada|tiene caso)",
    r"no le (?:encuentro|veo|hallo) (?:ningun )?(?:sentido|caso) a (?:la vida|mi vida|vivir|seguir|nada)",
    r"(?:estarian|estaria|estan|serian|seria|vivirian|quedarian|estarán|estaran|seran|van a estar) (?:\w+ ){0,2}mejor sin mi{END}",
    r"(?:todos|mi familia|mis hijos|ellos|el mundo) (?:\w+ )?mejor sin mi\b",
    r"nadie me (?:extranaria|va a extranar|extranara|echaria de menos|va a echar de menos|notaria|va a notar|extranaría)",
    r"nadie (?:notaria|se daria cuenta|lloraria) si (?:me muero|me muriera|desaparezco|desapareciera|no estoy)",
    r"si me muero (?:nadie|a nadie|no pasa nada|no importa)",
    r"(?:me siento|estoy|me he sentido|me e sentido|ando|me senti|sigo) (?:muy |un poco |bien |tan |medio )?suicida\b",
    r"""(?:tengo|tenia|he tenido|e tenido|estoy teniendo|me vienen|me llegan|tuve|vuelven|volvieron|regresaron|me dan)(?: \w+){0,2} (?:pensamientos|ideas|ideacion) (?:suicidas?|de (?:muerte|suicidio|matarme|morir|morirme|quitarme la vida))""",
    r"(?:pensamientos|ideas) (?:suicidas|de suicidio|de muerte) (?:otra vez|de nuevo|volvieron|regresaron|estan de vuelta)",
    r"(?:pienso|pensando|pensado|penso|piensa) (?:mucho |mucho mas |a veces |seguido |todo el tiempo |todos los dias )?en (?:la muerte|morir|morirme|el suicidio|suicidio|sui[cs]idarme|matarme|quitarme la vida|desaparecer|no despertar)",
    r"dejar de existir",
    r"(?:dormir|dormirme) (?:para siempre|y no (?:volver a )?despertar)",
    r"me (?:quiero|kiero|voy a|voy) morir(?! de )",
    r"(?:mejor|ojala|quisiera) (?:me )?(?:muero|muera|muriera)\b(?! de )",
    r"intente (?:matarme|sui[cs]idarme|quitarme la vida)",
    r"lo mejor (?:es|seria|sera|va a ser) (?:\w+ )?(?:desaparecer|morir|morirme|matarme|no estar|irme para siempre|quitarme la vida|no despertar)\b",
    r"dejar de vivir",
    r"(?:le importa|le importaria|se daria cuenta|notaria) si (?:yo )?(?:vivo o muero|me muero|me muriera|desaparezco|desapareciera|me mato)",
    r"(?:mejor|mas facil|mas feliz|mas felices|mejor para todos) si (?:yo )?(?:no estuviera|no existiera|me muriera|desapareciera|me muero|me mato|ya no estoy)",
    r"mejor sin (?:una? (?:\w+ ){1,2}como yo|alguien como yo)\b",
    # formas amplias
    r"(?:ojala|quisiera|mejor|preferiria|seria mejor|desearia|quiero) (?:que )?(?:yo )?no (?:exist\w*|estuv\w*|despert\w*|hubiera nacido|haber nacido|naciera)",
    r"ojala (?:que )?me (?:atropel\w*|mat\w*|muer\w*|muri\w*|pase algo|pasara algo|diera (?:un infarto|algo))",
    r"(?:mejor|mejor ya|ya mejor|si no|sino|asi que|hoy|esta noche|manana|de plano|neta|por eso) me mato\b(?! (?:de|trabajando|estudiando))",
    r"(?:colgarme|ahorcarme|envenenarme)\b",
    r"me (?:voy a|vo a|quiero|kiero|pienso|dan ganas de) (?:colgar|ahorcar|envenenar)\b(?! (?:el|la|los|las|y|ya|el telefono|la ropa))",
    r"(?:morir|morirme|la muerte|estar muert[oa]) (?:seria|es|suena|parece|seria como) (?:un alivio|mejor|mas facil|la unica (?:salida|opcion|solucion))",
    r"(?:salida|opcion|solucion) (?:\w+ ){0,3}(?:morir|la muerte|matarme|sui[cs]id\w+|quitarme la vida)\b",
    r"(?:me voy|irme|me quiero ir|me ire|me vaya|me fuera) (?:de este mundo|para siempre de aqui|de esta vida)",
    r"(?:planeando|planeo|planee|preparando|preparo) mi (?:muerte|suicidio|despedida)",
    r"{QUIERO} acabar con (?:mi|este|el) (?:sufrimiento|dolor)",
)

_SELF_HARM = (
    r"(?:hacerme|hacerme mucho) dano",
    r"(?:lastimarme|herirme|autolesionarme|quemarme|golpearme|cortarme)\b",
    r"""me (?:voy a|quiero|dan ganas de|dieron ganas de|dio ganas de|puedo|pienso|vuelvo a|volvi a|he vuelto a|estoy|estuve|sigo|vuelvo|volvi|he estado|e estado)(?: a)? (?:hacer dano|haciendo dano|lastimar|lastimando|cortar|cortando|quemar|quemando|golpear|golpeando|herir|hiriendo|autolesionar|autolesionando|hacer algo|haciendo algo)\b""",
    r"me (?:corte|corto|lastime|lastimo|queme|quemo|golpeo|golpee|hice dano|hago dano|haria dano|hare dano|autolesione|autolesiono|heri|hiero|rasguno|arano)\b",
    r"autolesion(?:arme|ando|o|e|ado)\b",
    r"(?:ganas|impulsos|necesidad) de (?:cortarme|lastimarme|hacerme dano|quemarme|autolesionarme)",
    r"cortarme (?:las venas|los brazos|las munecas|las piernas)",
    r"me (?:voy|puedo|pueda|quiero|vaya|fuera) (?:a )?hacer algo(?: malo| a mi mism[oa])?{END}",
    r"hacerme algo(?: malo)?{END}",
    r"(?:pegarme|darme|me voy a dar|me voy a pegar|me quiero dar|me quiero pegar) un (?:tiro|balazo)",
    r"""(?:me hago|me hice|hacerme|me sigo haciendo|me estoy haciendo|me vuelvo a hacer|me volvi a hacer) (?:\w+ )?(?:cortadas|cortes|heridas
        |quemaduras|rasgunos)\b(?! en (?:el|un|mi) dedo)""",
    r"(?:cortadas|cortes|heridas|quemaduras) en (?:los|las|mis|el|la|mi) (?:brazos|piernas|munecas|muslos|piel|panza|estomago|muneca|brazo|pierna)",
    r"hasta (?:sangrar|que sangre|sacarme sangre)",
)

_HOPELESS = (
    # "no puedo más con el calor" is an idiom; "no puedo más con esta vida / con todo" is not
    r"(?:ya )?no (?:aguanto|soporto|puedo|resisto) (?:mas|esto|esta vida|este dolor|vivir|nada|la vida)\b(?! con (?!(?:esta|mi|la) vida\b|todo\b|esto\b))",
    r"ya no (?:aguanto|soporto|puedo|resisto){END}",
    r"no puedo seguir(?: (?:asi|viviendo|adelante|mas|con (?:esto|esta vida|la vida|mi vida))|{END})",
    r"(?:estoy|me siento|ando|ya estoy) (?:tan |muy |bien |super )?(?:cansad[oa]|hart[oa]|agotad[oa]) de (?:vivir|la vida|existir|todo(?! esto| lo de| el | la | este | esta )|estar viv[oa]|seguir{END}|despertar|luchar{END})",
    r"(?:ya )?(?:me canse|me harte) de (?:vivir|la vida|existir|estar viv[oa]|luchar{END}|despertar)",
    r"""(?:no tengo|sin|ya no tengo|no hay|no encuentro|no veo|ya no hay|ya no encuentro|me faltan|no me quedan) (?:\w+ )?(?:razon|razones|motivo|motivos|ganas|fuerzas|fuerza|energia) (?:para
        |de) (?:vivir|seguir viviendo|seguir aqui|seguir{END}|estar viv[oa]|despertar)""",
    r"(?:para que|de que sirve|que caso tiene|pa que|para que seguir) (?:seguir )?(?:vivir|viviendo|estar viv[oa]|seguir aqui|existir)\b",
    r"no (?:tengo|hay|veo|encuentro) (?:ninguna )?salida",
    r"(?:no (?:hay|tengo)|perdi (?:toda )?la|sin) esperanza\b",
    r"(?:nada|ya nada) (?:tiene sentido|vale la pena|importa ya|me importa ya)",
    r"no (?:vale la pena|tiene sentido) nada\b",
    r"(?:soy|me siento|siento que soy|ser) (?:\w+ )?(?:una carga|un estorbo)",
    r"(?:quiero|kiero|quisiera) que (?:todo|el dolor|la vida) (?:termine|se acabe|acabe|pare|se termine)",
    r"que se (?:acabe|termine) todo",
    r"(?:me rindo|ya me rendi|me quiero rendir) (?:con la vida|de vivir|con todo)",
)

_THIRD_PARTY = (
    r"se (?:quiere|kiere|va a|piensa|queria|quiso) (?:matar|sui[cs]idar|quitar la vida|morir)\b",
    r"(?:quiere|va a|piensa|intenta|esta intentando) (?:matarse|sui[cs]idarse|quitarse la vida|morirse|hacerse dano|cortarse)\b",
    r"(?:esta|anda) (?:muy )?(?:suicida|pensando en (?:matarse|sui[cs]idarse|quitarse la vida))",
    r"se (?:tomo|acaba de tomar) (?:todas|un frasco|muchas|una caja) (?:de )?(?:las |sus )?{PASTILLAS}",
    r"""(?:he|she|they|son|daughter|kid|child|friend|partner|husband|wife|brother|sister|mom|dad|hijo|hija|esposo|esposa|hermano|hermana
        |amigo|amiga|mama|papa|pareja|novio|novia) (?:\w+ )?(?:tiene|has|is having|esta teniendo|anda con|keeps having) (?:\w+ )?(?:pensamientos suicidas
        |ideas suicidas|suicidal thoughts|suicidal ideation)""",
)

_TOPIC = (
    r"(?:pensamientos|ideas|ideacion) (?:suicidas?|de (?:suicidio|muerte|matarme|morir|morirme|quitarme la vida))",
    r"mis? (?:autolesion\w*|ganas de morir|ganas de cortarme)",
)

_RESOURCE_REQUEST = (
    r"""(?:numero|telefono|cual es|dame|necesito|pasame|mandame|busco|como (?:llamo|contacto|me comunico|puedo llamar|le hablo))(?: \w+){0,5} (?:linea|numero|telefono) (?:de |para )?(?:la )?(?:crisis|prevencion del suicidio|suicidio|ayuda contra el suicidio|emergencias? de salud mental|crisis emocional)""",
)

# Idioms that share words with crisis phrases: masked before matching.
_BODY = r"(?:rodilla|espalda|tobillo|pie|mano|brazo|cuello|hombro|dedo|muneca|pierna|cadera|rodillas|pies|manos|dedos)"
_MASKS = (
    r"""(?:morir|morirme|muero|muere|muera|muriendo|moria|morimos|murio|mori) de (?:la )?(?:risa|hambre|sueno|ganas|aburrimiento|frio|calor
        |verguenza|envidia|amor|cansancio|miedo|pena|nervios|sed|flojera|ansias|curiosidad|tristeza)""",
    r"(?:morir|morirme|muero|muere|muera|muriendo) de (?:la |los |las |el )(?:risa|hambre|ganas|aburrimiento|verguenza|envidia|nervios|ansias|curiosidad|emocion)",
    r"muert[oa]s? de (?:cansancio|hambre|sueno|risa|miedo|frio|calor|verguenza|nervios|sed|flojera)",
    r"(?:mato|mata|matan|matando|mataba|matar|matarme|mate) (?:de (?:risa|hambre|cansancio)|trabajando|estudiando|en el trabajo|en el gimnasio)",
    r"(?:va|van|iba|iban|vaya|vayan) a matarme|me (?:va|van|iba|iban|vaya|vayan) a matar",  # "mi mamá me va a matar": an idiom
    r"(?:puede|podria|pueden|podrian|va a|van a|iba a|le puede|me puede|te puede) hacerme dano",  # "¿puede hacerme daño tomar...?"
    r"(?:queme|quemo|quemar|quemarme|quemando|quemada|quemado) (?:con|por|en) el sol",
    r"(?:corte|corto|cortar|cortarme|cortarse|cortarte|cortando|cortaba) (?:el|los|las|la|mi|mis|su|sus) (?:pelo|cabello|fleco|flequillo|puntas|unas|barba|bigote|dedo|una)",
    r"(?:corte|corto|cortar|cortarme|cortando) (?:cocinando|picando|pelando|rasurandome|afeitandome|con (?:el|un|una) (?:papel|hoja|hoja de papel|lata|tijeras|cuchillo de cocina))",
    rf"(?:lastime|lastimo|lastimar|lastimarme|golpee|golpeo|queme|quemo|hice dano|hize dano) (?:el |la |los |las |mi |mis |en el |en la |en los |en las |en mi |en mis )?{_BODY}",
    r"(?:lastime|lastimo|hice dano|queme|golpee) (?:jugando|cargando|haciendo ejercicio|en el trabajo|en el gimnasio|al caer|al caerme|cuando me cai|cocinando|con (?:el|la|una|un) (?:sarten|plancha|aceite|estufa|horno|olla|cafe|puerta))",
    r"(?:hacer|hacerme|hice) dano (?:en|al|jugando|cargando)",
    r"""vivir (?:en|cerca de|lejos de|por|alla|aqui en|con mis (?:papas|padres|suegros)|con mi (?:mama|papa|suegra|ex))\b(?! (?:este mundo|esta vida|este infierno|este dolor|esta situacion|estas condiciones|la miseria|la tristeza)\b)""",
)

PATTERNS = Patterns(
    lang="es",
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
