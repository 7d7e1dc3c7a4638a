"""Labelling guideline examples per motivation code, written by the project team.

One supporting and one non-supporting sentence per code (with the reason it does not count). They are the
examples of the guideline table of ``corpus/CARD.md`` (a test keeps the two identical) and give the classifier
its example-similarity features. Invented comuni and figures; none is taken from any other source.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    supports: str
    not_supports: str
    why_not: str


EXAMPLES: dict[str, Example] = {
    "R16": Example(
        "Il bilancio 2023 ha aggiunto 120.000 euro di fondi comunali ai trasferimenti per ampliare l'assistenza domiciliare, come previsto dal programma di mandato.",
        "Il sociale è da sempre al centro dell'attenzione dell'Amministrazione.",
        'generic',
    ),
    "R17": Example(
        'Le educatrici del servizio minori hanno conseguito la specializzazione in mediazione familiare con un corso finanziato dal Comune.',
        'Il personale è disponibile e cortese.',
        '',
    ),
    "R18": Example(
        'Con tre assistenti sociali per 9.600 abitanti il Comune ha un rapporto di una ogni 3.200 residenti.',
        'È in corso una riflessione sul fabbisogno di personale.',
        'plan',
    ),
    "R19": Example(
        'La casa di accoglienza di via dei Mille, di proprietà comunale, è stata mantenuta aperta con 35.000 euro di manutenzione straordinaria.',
        'Il Comune possiede diversi immobili.',
        'no link to services',
    ),
    "R20": Example(
        'Dal 2022 tutte le domande di contributo si presentano dal portale comunale e la cartella sociale è digitale.',
        "Si valuterà l'acquisto di un gestionale.",
        'hypothetical',
    ),
    "R21": Example(
        "Con il protocollo sottoscritto con l'Ambito e quattro associazioni, il centro per le famiglie è gestito in coprogettazione.",
        "Il Comune fa parte dell'Ambito n. 5.",
        'membership alone',
    ),
    "R22": Example(
        'Pesano sul numero di utenti i lavoratori stagionali accolti durante la raccolta, che si rivolgono allo sportello.',
        'Altre cause sono in corso di approfondimento.',
        'no cause named',
    ),
    "R23": Example(
        "Tre inserimenti in comunità terapeutica disposti dall'autorità giudiziaria hanno assorbito il 45% della spesa.",
        'Le rette sono in linea con quelle regionali.',
        '',
    ),
    "R24": Example(
        "I 1.100 residenti vivono in nove frazioni: ogni accesso domiciliare richiede un'ora di viaggio.",
        'Il territorio è bello ma poco conosciuto.',
        '',
    ),
    "R25": Example(
        'Non esistendo un servizio associato di ambito, ogni ricovero è acquistato dal Comune a tariffa piena presso strutture non accreditate.',
        "L'Ambito gestisce già l'assistenza domiciliare per tutti i comuni.",
        'the opposite',
    ),
    "R26": Example(
        'La responsabile del servizio è rimasta assente sei mesi senza sostituzione e la gara per il domiciliare è stata ripetuta due volte.',
        'Non si sono registrate particolari difficoltà organizzative.',
        'negated',
    ),
    "R27": Example(
        'Senza un software gestionale e con lo sportello in una stanza condivisa, non è stato possibile ampliare gli accessi.',
        'Il Comune intende investire nella digitalizzazione.',
        'plan',
    ),
    "R28": Example(
        'La spesa include 60.000 euro di arretrati pagati a una cooperativa dopo una sentenza del 2022.',
        'Vi sono ulteriori motivazioni.',
        '',
    ),
    "R29": Example(
        'La Misericordia e il gruppo Caritas garantiscono in convenzione il trasporto sanitario e un emporio solidale, in aggiunta ai servizi comunali.',
        'Sul territorio operano alcune associazioni.',
        'no service, no link',
    ),
    "R30": Example(
        'Affidi, tutela minori e assistenza educativa scolastica sono gestiti dal Consorzio, che li finanzia con il fondo di ambito.',
        "Il Comune valuterà il conferimento dei servizi all'Unione.",
        'plan',
    ),
    "R31": Example(
        'Due terzi degli utenti hanno ricevuto solo consulenza allo sportello o buoni spesa di piccolo importo.',
        'Le prestazioni sono molto varie.',
        '',
    ),
    "R32": Example(
        "Grazie all'accreditamento dei due centri diurni il Comune paga una tariffa fissa di 38 euro al giorno, inferiore alla convenzione precedente.",
        'Non sono presenti strutture accreditate nel territorio.',
        'the opposite',
    ),
    "R33": Example(
        'Il servizio di mensa sociale è finanziato con un progetto PNRR non incluso nella spesa storica.',
        "Si rinvia agli atti d'ufficio.",
        '',
    ),
    "R34": Example(
        'Con la delibera di bilancio il Consiglio ha privilegiato la manutenzione delle strade comunali, riducendo lo stanziamento per il sociale.',
        'Le risorse sono sempre scarse.',
        'generic',
    ),
    "R35": Example(
        'Gli anziani soli sono seguiti direttamente dalla rete parrocchiale, che consegna pasti e farmaci e rende superfluo un servizio comunale.',
        'Il volontariato integra i servizi del Comune.',
        'integrative, block C',
    ),
    "R36": Example(
        'Il concorso per assistente sociale indetto a maggio non ha avuto candidati e il servizio è rimasto scoperto fino a dicembre.',
        'Non sono emerse difficoltà nel reperire assistenti sociali.',
        'negated',
    ),
    "R37": Example(
        "La cooperativa non è riuscita a fornire educatori per l'assistenza scolastica e il servizio è partito solo a marzo.",
        'Gli educatori sono stati regolarmente assegnati.',
        '',
    ),
    "R38": Example(
        "L'ambito non ha attivato il servizio domiciliare integrato e nella provincia non c'è una struttura accreditata per disabili.",
        "Il Comune collabora positivamente con l'ambito.",
        'the opposite',
    ),
    "R39": Example(
        "Le risorse del fondo sono state accreditate a novembre, troppo tardi per bandire il servizio nell'anno.",
        'Altro come da delibera.',
        'no cause explained',
    ),
}


# What kind of evidence supports each code, in Italian: used in audit messages ("manca ...") and by the
# drafting assistant's skeleton paragraphs.
EVIDENCE_HINT: dict[str, str] = {
    "R16": "una scelta di bilancio dell'Amministrazione a favore del sociale (fondi propri aggiunti, programma di "
           "mandato, stanziamenti superiori ai trasferimenti)",
    "R17": "la qualificazione del personale (formazione, supervisione, specializzazioni, figure come psicologi o "
           "mediatori)",
    "R18": "il numero di assistenti sociali e altre figure rispetto agli abitanti (rapporto migliore di 1:5.000 o "
           "dei comuni simili)",
    "R19": "strutture sociali di proprietà comunale mantenute in funzione (quali, con che costi)",
    "R20": "servizi sociali digitalizzati (cartella sociale informatizzata, domande online, scambio dati)",
    "R21": "una rete integrata con ambito, comuni vicini, volontariato e terzo settore (protocolli, "
           "coprogettazione, convenzioni)",
    "R22": "un'altra causa concreta, non coperta dalle altre voci, descritta esplicitamente",
    "R23": "poche prestazioni molto costose che assorbono gran parte della spesa (inserimenti in struttura, "
           "costo per caso, quota del bilancio)",
    "R24": "diseconomie di scala (popolazione piccola o dispersa, frazioni, costi fissi su pochi utenti)",
    "R25": "l'assenza di un servizio integrato d'ambito o di accreditamenti (prestazioni acquistate singolarmente "
           "a tariffa piena)",
    "R26": "difficoltà gestionali (posti vacanti, turnover, procedure lunghe, problemi organizzativi)",
    "R27": "investimenti mancanti (gestionale informatico, sedi adeguate, rete integrata di servizi)",
    "R28": "un'altra causa concreta, non coperta dalle altre voci, descritta esplicitamente",
    "R29": "reti di volontariato e terzo settore che offrono servizi integrativi di quelli comunali (quali, con "
           "quali convenzioni)",
    "R30": "servizi erogati in tutto o in parte tramite l'ambito, il consorzio o l'unione",
    "R31": "utenti o prestazioni relativamente poco costosi (sportello, contributi una tantum, basso costo per "
           "utente)",
    "R32": "accreditamenti che rendono più efficiente la gestione (tariffe predefinite, voucher, costi unitari "
           "più bassi)",
    "R33": "un'altra causa concreta, non coperta dalle altre voci, descritta esplicitamente (ad es. servizi "
           "finanziati con altre fonti)",
    "R34": "una scelta dell'Amministrazione di destinare le risorse ad altre funzioni (priorità di bilancio "
           "esplicite)",
    "R35": "reti di volontariato e terzo settore che offrono servizi simili, sostitutivi di quelli comunali",
    "R36": "la mancanza di assistenti sociali (concorsi deserti, posti vacanti, periodi senza assistente sociale)",
    "R37": "la mancanza di altro personale qualificato (educatori, psicologi, operatori non disponibili)",
    "R38": "la mancanza o carenza del sistema integrato d'ambito o di strutture private accreditate",
    "R39": "un'altra causa concreta, non coperta dalle altre voci, descritta esplicitamente (procedure in corso, "
           "risorse arrivate tardi, altre fonti di finanziamento)",
}
