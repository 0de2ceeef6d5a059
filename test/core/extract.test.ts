/**
 * Reading questions into the SPEC's seven facts: negation, synonyms and abbreviations,
 * Spanish, typos and first-person role hints, through the real engine and the real
 * lexicon. Each case is what an employee might type, with the facts (and, where it
 * matters, the decision) the SPEC requires.
 *
 * Cases the extractor once got wrong keep a "Once a miss" note saying what used to go
 * wrong, so a regression is easy to recognise.
 */
import { describe, expect, it } from "vitest";
import type { Decision, Facts, Role } from "../../src/policy/vocabulary.js";
import { ask, engine } from "../support/answers.js";

type Case = [question: string, facts: Partial<Facts>, decision?: Decision];

function expectReading(question: string, facts: Partial<Facts>, decision?: Decision, role?: Role) {
  const answer = ask(question, role ? { role } : {});
  expect(answer.facts).toMatchObject(facts);
  if (decision) expect(answer.decision).toBe(decision);
}

const check = (cases: Case[]) =>
  it.each(cases)("%s", (question, facts, decision) => expectReading(question, facts, decision));

describe("document", () => {
  describe("negation", () => {
    check([
      ["ICE is at the shelter front desk with no warrant", { document: "none" }, "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT"],
      ["ICE is at the shelter front desk. They did NOT show a warrant.", { document: "none" }],
      ["ICE is at the shelter front desk. They didn't show any warrant.", { document: "none" }],
      ["ICE is at the shelter front desk without a judicial warrant", { document: "none" }],
      ["ICE is at the shelter front desk. Warrant? No.", { document: "none" }],
      ["ICE is at the shelter front desk, no judge signed anything", { document: "none" }],
      ["ICE at our shelter door, no papers", { document: "none" }],
      ["ICE is at the shelter front desk and they have no paperwork at all", { document: "none" }],
      ["ICE is at the shelter front desk; they said they don't need a warrant", { document: "none" }],
      ["La migra está en la puerta del albergue sin orden judicial", { document: "none" }],
      ["La migra está en la puerta del refugio y no traen orden", { document: "none" }],
    ]);

    it("'nothing in writing' is no document", () => {
      // Once a miss: "nothing" is a negation cue but "writing" is not a paper word, so
      // the document stays unknown (and the answer asks a question it already has).
      expectReading("ICE at our shelter door; they had nothing in writing", { document: "none" });
    });
  });

  describe("a paper that is not a court warrant", () => {
    check([
      [
        "ICE is at the shelter front desk with a warrant not signed by a judge",
        { document: "administrative-warrant" },
        "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
      ],
      ["ICE is at the shelter front desk, the warrant isn't signed by a judge", { document: "administrative-warrant" }],
      [
        "ICE at shelter front desk with a warrant signed by an ICE supervisor, not a judge",
        { document: "administrative-warrant" },
      ],
      ["ICE is at the shelter front desk with an I-200", { document: "administrative-warrant" }],
      ["ICE is at the shelter front desk with an I-205", { document: "administrative-warrant" }],
      ["ICE is at the shelter front desk with an I200 form", { document: "administrative-warrant" }],
      [
        "ICE is at the shelter front desk with Form I-200 signed by an immigration officer",
        { document: "administrative-warrant" },
      ],
      [
        "ICE agents at our shelter front desk with a Form I-205 Warrant of Removal",
        { document: "administrative-warrant" },
      ],
      ["ICE is at the shelter front desk with an administrative warrant", { document: "administrative-warrant" }],
      ["ICE at our shelter door. The warrant is signed by an ICE officer", { document: "administrative-warrant" }],
    ]);

    it("'a warrant but it's from ICE, not a judge' is an administrative warrant", () => {
      // Once a miss: "from ICE" is not read as the issuer, and "not a judge" after a comma
      // does not reach the warrant, so the document is unknown.
      expectReading("ICE agents at our shelter front desk. They had a warrant but it's from ICE, not a judge.", {
        document: "administrative-warrant",
      });
    });
  });

  describe("subpoena", () => {
    check([
      [
        "ICE is at the shelter front desk with a subpoena",
        { document: "subpoena" },
        "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
      ],
      ["ICE agents at our shelter front desk with an administrative subpoena", { document: "subpoena" }],
      ["ICE is at the shelter front desk with a supoena", { document: "subpoena" }],
      ["ICE emailed the clinic a subpoena for a patient's chart", { document: "subpoena", request: "information" }],
    ]);
  });

  describe("signed by a judge", () => {
    check([
      [
        "ICE is at the shelter front desk with a warrant signed by a judge",
        { document: "judicial-warrant" },
        "ENTRY_JUDICIAL_WARRANT_REVIEW",
      ],
      ["ICE is at the shelter front desk with a judicial warrant", { document: "judicial-warrant" }],
      ["ICE is at the shelter front desk with a court order", { document: "judicial-warrant" }],
      ["ICE agents at our shelter front desk with a warrant from a judge", { document: "judicial-warrant" }],
      ["ICE agents at our shelter front desk with a judge-signed warrant", { document: "judicial-warrant" }],
      ["La migra está en la puerta del albergue con una orden firmada por un juez", { document: "judicial-warrant" }],
      ["La migra está en la puerta del refugio con un papel firmado por un juez", { document: "judicial-warrant" }],
    ]);
  });

  describe("doubt and silence", () => {
    check([
      [
        "ICE is at the shelter front desk with a paper, not sure if it's signed by a judge",
        { document: "unknown" },
        "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
      ],
      ["I think the warrant might be signed by a judge, ICE is at our shelter front desk", { document: "unknown" }],
      ["ICE is at the shelter front desk with a warrant", { document: "unknown" }],
      ["ICE is at the shelter front desk", { document: "unknown" }],
      // No agents in the story: nothing to have a document.
      ["A parent asked me where to find a free immigration lawyer", { document: "none" }],
      // A letter or business card is not a warrant or a subpoena.
      ["ICE left a business card at the shelter front desk", { document: "none" }],
    ]);
  });

  describe("typos", () => {
    check([
      ["ICE is at the shelter front desk with a warrnt signed by a judge", { document: "judicial-warrant" }],
      ["ICE agents at the front desk of my school with a warrnt signed by a judge", { document: "judicial-warrant" }],
      ["ICE is at the shelter front desk with no warrnt", { document: "none" }],
    ]);

    it("'judje' (one letter changed in a five-letter word) is 'judge'", () => {
      // Once a miss: the speller corrects a changed letter only in words of six letters
      // or more, so "signed by a judje" is not a judge's signature.
      expectReading(
        "ICE is at the shelter front desk with a warrant signed by a judje",
        { document: "judicial-warrant" },
        "ENTRY_JUDICIAL_WARRANT_REVIEW",
      );
    });

    it("'wrrant signed by a jugde' (two typos) is a judge's warrant", () => {
      // Once a miss: "jugde" (like "jduge") swaps two letters of a five-letter word;
      // swaps are only corrected in words of six letters or more.
      expectReading(
        "ICE agents at our shelter front desk with a wrrant signed by a jugde",
        { document: "judicial-warrant" },
        "ENTRY_JUDICIAL_WARRANT_REVIEW",
      );
    });
  });
});

describe("requester", () => {
  check([
    ["ice agents at the front door of the school", { requester: "immigration" }],
    ["I.C.E. agents at the lobby of the shelter", { requester: "immigration" }],
    ["i-c-e agents at the lobby of the shelter", { requester: "immigration" }],
    ["the ICEs are in the lobby of the shelter", { requester: "immigration" }],
    ["feds at the front desk of the library want to come in", { requester: "unknown-law-enforcement" }],
    // Once a miss: a spelled-out "i.c.e." pattern with unescaped dots read "inches" as ICE.
    ["two inches of water in the basement of the library, who do I call?", { requester: "none" }, "OUT_OF_SCOPE"],
    ["HSI agents at the front desk", { requester: "immigration" }],
    ["HSI special agents in the lobby of the library want to come in", { requester: "immigration" }],
    ["CBP is at our clinic door", { requester: "immigration" }],
    ["Border Patrol agents in the lobby of the library", { requester: "immigration" }],
    ["Department of Homeland Security agents are at the shelter front desk", { requester: "immigration" }],
    ["Homeland Security agents want to come in to the clinic", { requester: "immigration" }],
    ["ICE ERO officers are in our clinic lobby", { requester: "immigration" }],
    ["immigration is at the front door of the school", { requester: "immigration" }],
    ["Federal immigration agents at the front door of the school", { requester: "immigration" }],
    ["imigration agents at our shelter front desk", { requester: "immigration" }],
    ["la migra está en la puerta", { requester: "immigration" }],
    ["los de la migra están en la entrada del refugio", { requester: "immigration" }],
    ["Agentes de inmigración están en la entrada de la clínica", { requester: "immigration" }],
    [
      "FBI agents at the front desk of our shelter",
      { requester: "federal-law-enforcement" },
      // Outside schools, the 2026 order covers immigration agents only (SPEC conventions).
      "UNCOVERED_ESCALATE",
    ],
    ["U.S. Marshals at the lobby of our clinic", { requester: "federal-law-enforcement" }],
    ["DEA agents at the shelter front desk", { requester: "federal-law-enforcement" }],
    ["It's not ICE, it's the FBI at our shelter front desk", { requester: "federal-law-enforcement" }],
    // At a school, any non-local law enforcement is kept at the reception desk.
    [
      "FBI agents are at the front desk of my school and want to come in",
      { requester: "federal-law-enforcement" },
      "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    ],
    ["Some agents are in our lobby and want to go upstairs", { requester: "unknown-law-enforcement" }],
    [
      "Two guys with badges at the front desk of our office, they won't say who they are",
      { requester: "unknown-law-enforcement" },
    ],
    ["federal agents at the front desk of the library", { requester: "unknown-law-enforcement" }],
    ["A nurse asked how to reset her password", { requester: "none" }, "OUT_OF_SCOPE"],
    // Weather, not the agency.
    ["the sidewalk outside the school is covered in ice, who salts it?", { requester: "none" }, "OUT_OF_SCOPE"],
    ["she is scared of ICE and wants to know her rights", { requester: "none" }],
  ]);

  it("'Immigration and Customs Enforcement' spelled out is ICE", () => {
    // Once a miss: the agency's full name matches no immigration pattern, so the
    // question is read as having no agents at all and answered OUT_OF_SCOPE.
    expectReading(
      "Immigration and Customs Enforcement agents are at our shelter front desk",
      { requester: "immigration" },
      "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    );
  });

  it("'DHS officers' are immigration agents", () => {
    // Extractor miss (lexicon): the DHS pattern's "not a DHS shelter office" lookahead
    // `offices?` has no word edge, so it also matches "officers" and rejects the DHS.
    expectReading("DHS officers at the library entrance want to come in", { requester: "immigration" });
  });

  it("possessive 'FBI's' is the FBI", () => {
    // Once a miss: "FBI's" normalises to "fbis", which no pattern matches; the FBI is
    // read as unknown law enforcement and the answer wrongly applies the 2026 order.
    expectReading(
      "The FBI's agents are at the front desk of our office",
      { requester: "federal-law-enforcement" },
      "UNCOVERED_ESCALATE",
    );
  });

  it("possessive 'FBI's' names the task force partner", () => {
    // Same miss as above: "the FBI's joint gang task force" has requester none.
    expectReading("Can my detectives keep working on the FBI's joint gang task force?", {
      requester: "federal-law-enforcement",
      request: "task-force",
    });
  });

  it("possessive 'ICE's' is ICE", () => {
    // Once a miss: "ICE's" normalises to "ices"; only the generic "officers" is found.
    expectReading("Two of ICE's officers are at the front desk of our office", { requester: "immigration" });
  });
});

describe("role", () => {
  const roles: [string, Role][] = [
    ["I'm a school safety agent. ICE is at the front desk.", "nypd"],
    ["i'm a schol safety agent and ice is at the door", "nypd"],
    ["ICE is at the front desk at my precinct and wants to see the cells", "nypd"],
    ["I'm a police officer. ICE asked my precinct to help them arrest a man on our block.", "nypd"],
    ["I'm with the N.Y.P.D. and ICE asked us to hold a man at the precinct", "nypd"],
    ["ICE is at the front door of our shelter", "social-services"],
    ["im a caseworker at the HRA office and ice is in the lobby", "social-services"],
    ["Soy trabajadora social en un albergue. La migra está en la puerta.", "social-services"],
    ["I'm a nurse. ICE is at the ER entrance.", "health"],
    ["I am a teacher, ICE is at the school door", "doe"],
    ["ICE at the front desk of my school", "doe"],
    ["As a school aide, what do I do if ICE comes to the door?", "doe"],
    ["Soy maestra. ICE está en la entrada de la escuela.", "doe"],
    ["I'm a correction officer at Rikers, ICE wants to come in", "corrections"],
    ["I work at the library. ICE agents are at the front desk.", "other-agency"],
    ["I'm a parks enforcement officer, ICE wants into the rec center", "other-agency"],
    ["I work in a DSNY garage and ICE showed up at the gate", "other-agency"],
    ["I'm an attorney at the Law Department. ICE wants to come into our office.", "legal"],
    // A place named in the third person says nothing about who is asking.
    ["ICE agents at the clinic front desk", "unknown"],
    ["La migra está en la puerta de la escuela y quieren entrar. No tienen orden judicial.", "unknown"],
  ];
  it.each(roles)("%s -> %s", (question, role) => expectReading(question, { role }));

  it("a first-person role in the text wins over the profile role", () => {
    expectReading("I'm a school safety agent. ICE is at the front desk.", { role: "nypd" }, undefined, "doe");
  });

  it("the profile role fills in when the text only names a workplace", () => {
    expectReading("ICE is at the front door of our shelter", { role: "health" }, undefined, "health");
  });

  it("'DHS agents' opening a sentence are the agents, not the asker's agency", () => {
    // Once a miss: "DHS" followed by "agents" at the start of a message is read as the
    // asker describing themselves ("DHS worker ..."), making the role social-services and
    // moving the library to a shelter.
    expectReading("DHS agents are in the lobby of the library wanting to search the back rooms", {
      role: "unknown",
      place: "city-office",
      requester: "immigration",
    });
  });
});

describe("place", () => {
  check([
    ["ICE is at the front desk of the hospital", { place: "hospital" }],
    ["ICE in the lobby of the DHS shelter", { place: "shelter-or-social-services" }],
    ["ICE at the front desk of the library", { place: "city-office" }],
    ["ICE is at the front desk of our senior center", { place: "city-office" }],
    ["ICE at the precinct front desk", { place: "police-facility" }],
    ["ICE wants to see someone in precinct cells", { place: "jail-or-custody" }],
    ["ICE is at the front door of PS 123", { place: "school" }],
    ["ICE está en la sala de espera de la clínica y quieren ver a un paciente", { place: "hospital" }],
    ["ICE agents on the sidewalk outside the clinic", { place: "street-or-public-space" }, "UNCOVERED_ESCALATE"],
    // A detainer concerns someone in custody.
    ["ICE wants the release date of an inmate at Rikers", { place: "jail-or-custody", request: "detainer" }],
  ]);
});

describe("area", () => {
  check([
    ["ICE is in the lobby of the shelter", { area: "public" }],
    ["ICE is at the reception desk of the clinic", { area: "public" }],
    ["ICE está en la sala de espera de la clínica y quieren ver a un paciente", { area: "public" }],
    ["ICE agents are in the back office of our clinic", { area: "non-public" }],
    ["ICE agents are in the hallway outside classrooms at my school", { area: "non-public" }],
    // Where they want to go is not where they are.
    ["ICE wants to go to the classrooms, they're at the front desk of my school", { area: "public" }],
    // By phone, the agents are nowhere in the building.
    ["our shelter got a call from ICE asking if a resident lives here", { area: "unknown" }],
  ]);

  it("agents already upstairs are past the public area", () => {
    // Once a miss: "upstairs on the residents' floor" is not read as a non-public area,
    // and the agents' presence there is not read as entry (the answer is UNCOVERED_ESCALATE).
    expectReading("ICE agents are already upstairs on the residents' floor of our shelter", {
      area: "non-public",
      request: "entry",
    });
  });
});

describe("request", () => {
  check([
    ["ICE agents are at the front desk of my school asking to come in", { request: "entry" }],
    ["ICE agnets at the front dsk of the hospitl want to come in", { request: "entry" }],
    ["ICE wants to get into the jail", { request: "entry" }],
    ["ICE asked whether a student is enrolled at my school", { request: "information" }],
    ["ICE wants our attendance records for a student", { request: "information" }],
    ["ICE emailed asking for a resident's home address", { request: "information", document: "none" }],
    ["ICE quiere la dirección de un estudiante", { request: "information" }],
    ["ICE wants me to hold a kid in the office until they arrive", { request: "assistance" }],
    ["ICE asked the sanitation crew to block off the street for their operation", { request: "assistance" }],
    ["ICE asked us to sign an agreement to let our officers work under their supervision", { request: "agreement" }],
    ["ICE wants to deputize some of our officers under a 287(g) agreement", { request: "agreement" }],
    ["Can we join a joint task force with HSI on human trafficking?", { request: "task-force" }],
    ["ICE sent a detainer for someone in our custody at the precinct cells", { request: "detainer" }],
    ["Sgt at the 75, ICE wants us to hold a guy in the cells past his release", { request: "detainer" }],
    ["A mom at pickup asked me where to find a free immigration lawyer", { request: "rights-referral" }],
    // After an enforcement event, the asker wants to know what the City does: general (row 14).
    ["My coworker was detained by ICE this morning, what does the city do?", { request: "general" }],
  ]);

  it("agents at a City office, nothing else asked, want entry", () => {
    // Once a miss: "at our HRA benefits office" (two words between "our" and "office")
    // is not read as presence at the site, so the request is general and the answer
    // UNCOVERED_ESCALATE instead of row 12.
    expectReading(
      "ICE is at our HRA benefits office",
      { request: "entry", place: "shelter-or-social-services" },
      "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    );
  });

  it("'get into Rikers' is entry", () => {
    // Once a miss: the entry pattern wants an article ("get into the jail"); a named
    // site ("get into Rikers") leaves the request general.
    expectReading(
      "ICE wants to get into Rikers",
      { request: "entry", place: "jail-or-custody" },
      "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    );
  });

  it("'asking about a patient' by phone is an information request", () => {
    // Once a miss: "asking about a patient" is not read as asking for information (while
    // "asking for a patient's address" is), so the answer is UNCOVERED_ESCALATE, not row 10.
    expectReading("ICE called the clinic asking about a patient", { request: "information" }, "INFO_DO_NOT_DISCLOSE");
  });
});

describe("pressure", () => {
  check([
    ["ICE is at the shelter front desk and keeps insisting they come in", { pressure: "insists" }],
    ["ICE at the shelter front desk is demanding access", { pressure: "insists" }],
    ["ICE at the shelter front desk, they're yelling at staff", { pressure: "insists" }],
    ["Agentes de ICE insisten en entrar a la escuela sin orden", { pressure: "insists" }],
    ["ICE agents pushed past me at the shelter front desk", { pressure: "force-or-threat" }, "SAFETY_DO_NOT_OBSTRUCT"],
    [
      "ICE agents at the shelter front desk threatened to arrest me if I don't let them in",
      { pressure: "force-or-threat" },
    ],
    ["ICE at the shelter front desk is threatning to arrest me", { pressure: "force-or-threat" }],
    ["ICE at the shelter front desk, I feel unsafe", { pressure: "force-or-threat" }],
    ["La migra está en la puerta del albergue y me amenazan con arrestarme", { pressure: "force-or-threat" }],
    ["Los agentes de inmigración están empujando la puerta del refugio", { pressure: "force-or-threat" }],
    ["ICE at the shelter door, a resident collapsed and isn't breathing", { pressure: "emergency" }],
    ["ICE at the shelter front desk, they're calm and polite", { pressure: "none" }],
    ["ICE at the shelter front desk, they are not threatening anyone", { pressure: "none" }],
    // Once a miss: "don't" negated the threat that followed it in a new clause.
    [
      "SSA here, ICE agent at the scanners says if I dont step aside he'll lock me up. just an ICE form",
      { pressure: "force-or-threat" },
      "SAFETY_DO_NOT_OBSTRUCT",
    ],
    [
      "they have an I-200 and said if I don't open the door they'll break it, I'm alone at the shelter reception",
      { pressure: "force-or-threat" },
    ],
    ["Soy sargento del NYPD, agentes de ICE quedaron atrapados en un edificio en llamas", { pressure: "emergency" }],
    // Several at once: force-or-threat before emergency before insists.
    [
      "ICE is yelling and threatening to arrest me while a resident is bleeding in the lobby",
      { pressure: "force-or-threat" },
    ],
  ]);
});

describe("who is asking, and what, read from how people describe themselves (once misses in holdout-6)", () => {
  const roles: [string, Role][] = [
    ["Hospital security. Two ICE agents want to go back to the treatment area, no warrant.", "health"],
    ["I'm a security guard at a city hospital and ICE is in our lobby asking to go upstairs", "health"],
    ["I'm a social worker at an H+H clinic. ICE called asking for a patient's address.", "health"],
    ["Soy trabajadora social en un hospital. ICE quiere la dirección de una paciente.", "health"],
    ["Im school safety. Two ICE agents at the scanner want to go in, no warrant.", "nypd"],
    ["DOE bus coordinator. ICE asked us to tell them which stop a student gets off at.", "doe"],
    ["Parks playground associate. A man says he's ICE and wants to know which kid is Junior.", "other-agency"],
    ["DSNY garage in Queens, ICE agents in our yard want to walk through, no warrant", "other-agency"],
  ];
  it.each(roles)("%s", (question, role) => expectReading(question, { role }));

  check([
    // Agents who show a badge and name no agency are agents all the same.
    [
      "A guy flashed a badge at the front desk of the clinic and wants to know if a patient is admitted",
      { requester: "unknown-law-enforcement", request: "information" },
      "INFO_DO_NOT_DISCLOSE",
    ],
    // Broken English: the arrest already happened; the question is what the City does.
    [
      "My coworker in the shelter kitchen, ICE take him yesterday. What the city do for him?",
      { request: "general" },
      "UNCOVERED_ESCALATE",
    ],
    // A threat to arrest someone else is a threat.
    [
      "ICE agent at our depot says he will arrest my driver if he does not move the truck to block a car",
      { pressure: "force-or-threat" },
    ],
    [
      "ICE at the jail gate wants us to hand over an inmate whose sentence ends today",
      { request: "detainer" },
      "DETAINER_LIMITED",
    ],
    [
      "ICE offered credentials to some of our hospital police so they can check status in the ER, as a six month pilot",
      { request: "agreement" },
      "AGREEMENT_PROHIBITED",
    ],
  ]);
});

describe("who asks what (once misses in holdout-5)", () => {
  check([
    // The asker asking the agents, or needing help, is not a request from the agents.
    [
      "Two HSI agents asked to go into our library staff workroom. I asked if they had a warrant and they said no.",
      { request: "entry", requester: "immigration" },
      "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    ],
    [
      "i'm the parent coordinator and i need help fast, ICE is at the school entrance and wants to go up to the classrooms",
      { request: "entry" },
      "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    ],
    // "Look up the rule" is the asker's homework, not a record for ICE.
    [
      "ICE agents at the school entrance have nothing signed by a judge. The principal asked me to look up the rule.",
      { request: "entry", document: "none" },
    ],
    // Replying to a subpoena is not backup.
    [
      "Agency counsel at DHS. ICE sent us a subpoena for a shelter resident's records and case notes. How should we respond?",
      { request: "information", document: "subpoena" },
      "INFO_DO_NOT_DISCLOSE",
    ],
    [
      "ICE WANTS THE VIDEO FROM OUR LOBBY CAMERAS AT THE SHELTER. NO WARRANT. DO WE GIVE IT TO THEM",
      { request: "information" },
    ],
    ["Un agente de inmigración quiere saber la fecha de alta de un paciente del hospital", { request: "information" }],
    // Helping lure or carry someone for an arrest is assistance.
    [
      "ICE wants our shelter van to drive one of their detainees to the processing center",
      { request: "assistance" },
      "ASSIST_NO_VOLUNTARY_COOPERATION",
    ],
    [
      "Los de ICE me pidieron que llame a un residente a la oficina para que lo puedan arrestar. Soy trabajador social del refugio.",
      { request: "assistance" },
    ],
    // "Before his shift" is when, not his schedule. With "what do we do", the City's response
    // is the question and the lawyer a side step (SPEC: general, row 14).
    [
      "one of our shelter security guards was arrested by ICE on the sidewalk before his shift. what do we do, and can his family get a lawyer?",
      { request: "general" },
      "UNCOVERED_ESCALATE",
    ],
    // Without it, legal help for the family is what the asker wants (SPEC: rights-referral).
    [
      "one of our shelter security guards was arrested by ICE on the sidewalk before his shift. can his family get a lawyer?",
      { request: "rights-referral" },
      "RIGHTS_REFERRAL",
    ],
    [
      "Mi compañero de trabajo en el hospital fue detenido por ICE ayer. ¿Qué hace la Ciudad? ¿Le guardan el puesto?",
      { request: "general" },
      "UNCOVERED_ESCALATE",
    ],
    // Immigration as the subject of a verb is the agency, even in a hypothetical.
    [
      "If immigration ever shows up at the Parks rec center where I work and wants to come into the locker rooms, what do I do?",
      { requester: "immigration", request: "entry" },
    ],
  ]);

  it("'my CO' is a commanding officer as often as a correction officer", () => {
    expectReading(
      "I'm a community affairs officer at a Bronx precinct, ICE wants our cops for crowd control, my CO is out",
      { role: "nypd" },
    );
  });
});

describe("patterns once missed in holdout-7, in new words", () => {
  check([
    // A judge who "had signed" the warrant still signed it.
    [
      "Back in October 2019 two ICE agents came to our high school with a warrant the judge had signed. What was the rule then?",
      { document: "judicial-warrant", request: "entry" },
      "ENTRY_JUDICIAL_WARRANT_REVIEW",
    ],
    // "He's arresting me if ..." is a threat like "he'll arrest me".
    [
      "ICE at the benefits center window says he is arresting me if I do not buzz him into the back office",
      { pressure: "force-or-threat", request: "entry" },
      "SAFETY_DO_NOT_OBSTRUCT",
    ],
    // Being told to move out of the way is force at the door, not a request for help.
    [
      "two ICE agents told me to move and walked right past the registration desk toward the classrooms",
      { request: "entry" },
    ],
    // "Needs units" from agents in trouble is a request for help; a crash and someone trapped is an emergency.
    [
      "sergeant here, HSI says one of their agents is trapped after a crash on the Van Wyck and they need units",
      { role: "nypd", request: "assistance", pressure: "emergency" },
      "NYPD_ASSIST_EMERGENCY",
    ],
    // Someone threatening to jump is an emergency, not a threat against the asker.
    [
      "I am a PO on scene, ICE is chasing a guy who is threatening to jump off the overpass and they want our help",
      { role: "nypd", request: "assistance", pressure: "emergency" },
      "NYPD_ASSIST_EMERGENCY",
    ],
    // Spanish: a favour asked of a named employee several words away is still help.
    [
      "ICE le pidió a la señora de la limpieza del centro que les preste las llaves del garaje",
      { request: "assistance" },
      "ASSIST_NO_VOLUNTARY_COOPERATION",
    ],
    [
      "Border Patrol asked our parking enforcement team to staff a checkpoint on Atlantic Ave next week",
      { request: "assistance" },
      "ASSIST_NO_VOLUNTARY_COOPERATION",
    ],
    // Credentials offered to staff are a standing arrangement, in Spanish too.
    [
      "A los guardias del refugio les ofrecieron credenciales de inmigración para revisar papeles",
      { request: "agreement" },
      "AGREEMENT_PROHIBITED",
    ],
    // "ICE" as "in case of emergency" is not the agency.
    ["where do I change my ICE (in case of emergency) phone number on the city payroll site", {}, "OUT_OF_SCOPE"],
    // Detained by ICE, said in Spanish, with the City's response asked.
    [
      "El hermano de una maestra fue detenido por ICE el lunes. ¿Qué hace la Ciudad por ella?",
      { request: "general" },
      "UNCOVERED_ESCALATE",
    ],
  ]);
});

describe("patterns once missed in dev-field, in new words", () => {
  check([
    // Luring someone to where agents wait is help, in Spanish and in English.
    [
      "Soy trabajadora social en el refugio. ICE me pidió que llame a una señora del tercer piso para que baje y así la puedan detener",
      { request: "assistance" },
      "ASSIST_NO_VOLUNTARY_COOPERATION",
    ],
    [
      "HRA caseworker. ICE wants me to schedule my client for Tuesday so they can arrest her when she comes in",
      { request: "assistance" },
      "ASSIST_NO_VOLUNTARY_COOPERATION",
    ],
    [
      "shelter aide: the ICE officer says to tell the resident in 3B to come down to the lobby",
      { request: "assistance" },
      "ASSIST_NO_VOLUNTARY_COOPERATION",
    ],
    // "Que cerremos", "que escolten": what agents want the asker's unit to do.
    [
      "teniente aquí, los de ICE quieren que cerremos dos cuadras el jueves para un operativo",
      { role: "nypd", request: "assistance" },
      "NYPD_ASSIST_DUTY_CHIEF",
    ],
    [
      "ICE keeps pushing for our guys to help execute their warrant on a house in Flushing, I'm a sergeant",
      { role: "nypd", request: "assistance" },
      "NYPD_ASSIST_DUTY_CHIEF",
    ],
    // "Wants in", texted: entry.
    [
      "ICE AT THE MAIN DOOR OF THE SHELTER NO PAPERS WANTS IN",
      { request: "entry" },
      "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    ],
    // A room number is information about a person, even asked from the ward.
    [
      "the ICE agent is standing on the 5th floor and asking me for the patient's room number",
      { request: "information" },
      "INFO_DO_NOT_DISCLOSE",
    ],
    // "Un detenido" is someone in custody.
    [
      "CO en Rikers: ICE pide que les avisemos cuando salga un detenido de la unidad",
      { request: "detainer" },
      "DETAINER_LIMITED",
    ],
    // Unnamed agents with badges, or threatening to arrest whoever is inside, are law enforcement.
    [
      "two men w government badges in the library lobby asking which of our patrons uses the computers every day",
      { requester: "unknown-law-enforcement", request: "information" },
      "INFO_DO_NOT_DISCLOSE",
    ],
    [
      "they are pounding on the clinic door yelling that they will arrest everyone inside if we do not open it",
      { request: "entry", pressure: "force-or-threat" },
      "SAFETY_DO_NOT_OBSTRUCT",
    ],
    // Rumours and fears are not agents at the door.
    [
      "A mom at our school heard that ICE is going into classrooms and wants to know her rights",
      { requester: "none", request: "rights-referral" },
      "RIGHTS_REFERRAL",
    ],
    // "Help with immigration" is the topic, not the agency.
    [
      "a man at the job center wants free help with immigration papers for his wife, where do I send him",
      { requester: "none", request: "rights-referral" },
      "RIGHTS_REFERRAL",
    ],
    // After a detention, a child "came in" is not the agents coming in.
    [
      "A third grader's father was detained by ICE yesterday and she came in late today very upset. What can the school do?",
      { request: "general" },
      "UNCOVERED_ESCALATE",
    ],
    // A phone contact named "ICE Mom" is not the agency.
    ["patient is unconscious, his phone has a contact called ICE Mom, can we call her", {}, "OUT_OF_SCOPE"],
  ]);
});

describe("patterns once missed in dev-voices, in new words", () => {
  check([
    [
      "sgt here, ICE asking for a ride for their detainee to Varick St",
      { role: "nypd", request: "assistance" },
      "NYPD_ASSIST_DUTY_CHIEF",
    ],
    [
      "migra at the skool front door, no warant",
      { place: "school", request: "entry" },
      "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    ],
    ["need a free immig lawyer for a client, where", { request: "rights-referral" }, "RIGHTS_REFERRAL"],
    [
      "two ICE cars parked across the street from the senior center all morning",
      { place: "street-or-public-space" },
      "UNCOVERED_ESCALATE",
    ],
    [
      "un agente de ICE llamó a la oficina de la escuela preguntando si una alumna todavía viene y a qué hora sale",
      { request: "information" },
      "INFO_DO_NOT_DISCLOSE",
    ],
    [
      "trabajo en sanidad, los de ICE quieren que paremos la barredora frente a un edificio mientras arrestan a alguien",
      { role: "other-agency", request: "assistance" },
      "ASSIST_NO_VOLUNTARY_COOPERATION",
    ],
    [
      "soy oficial de correccion, ICE quiere que retengamos a un preso 24 horas mas despues de la fianza",
      { request: "detainer" },
      "DETAINER_LIMITED",
    ],
    [
      "policía aquí, ICE pide ayuda porque un hombre armado se les escapó y hay gente en peligro en la avenida",
      { role: "nypd", request: "assistance", pressure: "emergency" },
      "NYPD_ASSIST_EMERGENCY",
    ],
    [
      "I'm a lieutenant. A federal car carrying an ICE prisoner is burning on the FDR and ICE asks for our help",
      { request: "assistance", pressure: "emergency" },
      "NYPD_ASSIST_EMERGENCY",
    ],
    [
      "en la recepción del refugio uno de la migra me agarró del brazo y se metió a los cuartos",
      { pressure: "force-or-threat", request: "entry" },
      "SAFETY_DO_NOT_OBSTRUCT",
    ],
    // Being asked to walk agents upstairs is about their entry, not help on an operation.
    [
      "ICE is in the clinic lobby with an ICE form and security wants to know whether to escort the agents upstairs",
      { request: "entry" },
      "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    ],
    // Asked to send records is a request for information, not help.
    [
      "a letter from ICE asks us to send the client's case file and home address to their office",
      { request: "information" },
      "INFO_DO_NOT_DISCLOSE",
    ],
    // "Come up I-95" is a highway, not agents coming upstairs.
    [
      "our detectives sit on a DEA task force on fentanyl coming up I-95; can they stay on it?",
      { request: "task-force" },
      "TASK_FORCE_PERMITTED",
    ],
  ]);
});

describe("patterns once missed in holdout-8, in new words", () => {
  check([
    [
      "ICE quiere que dos de nuestros inspectores trabajen bajo la supervisión de ICE todo el verano",
      { request: "agreement" },
      "AGREEMENT_PROHIBITED",
    ],
    [
      "our squad's detective sits on an FBI gang strike force, does that have to end?",
      { request: "task-force" },
      "TASK_FORCE_PERMITTED",
    ],
    [
      "at the ambulance bay entrance of the ER, ICE told our guard to step aside or he goes out in cuffs, they want into the ward",
      { pressure: "force-or-threat", request: "entry" },
      "SAFETY_DO_NOT_OBSTRUCT",
    ],
    [
      "oficial del 75 aquí, ICE quiere que paremos una camioneta en el Belt para arrestar al chofer",
      { role: "nypd", request: "assistance" },
      "NYPD_ASSIST_DUTY_CHIEF",
    ],
    [
      "In 2019 our captain lent two cops to ICE for a pickup without telling anyone. What was required then?",
      { request: "assistance" },
      "NYPD_ASSIST_DUTY_CHIEF",
    ],
    [
      "soy enfermera, ICE quiere que amarremos al paciente hasta q lleguen sus agentes",
      { request: "assistance" },
      "ASSIST_NO_VOLUNTARY_COOPERATION",
    ],
    [
      "man at the school front desk says he is ICE and asks: is a girl named Ana enrolled here?",
      { request: "information" },
      "INFO_DO_NOT_DISCLOSE",
    ],
    [
      "two guys flashing badges, no agency named, want up to the staff floors of the borough office, no warrant",
      { requester: "unknown-law-enforcement", request: "entry" },
      "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    ],
    [
      "front office at P S one forty: I C E agents at the door, no warrant, they say a kid's uncle is inside",
      { place: "school", request: "entry" },
      "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    ],
    // A conviction's year is not the date the question is about.
    [
      "ICE is at the jail intake right now demanding we hand over an inmate at release; he was convicted of robbery in 2014",
      { request: "detainer" },
      "DETAINER_LIMITED",
    ],
    // "A dad who works in the kitchen" describes him; it is not a request for who works there.
    [
      "ICE came to our school yesterday with an ICE form looking for a parent who works in the kitchen, and wanted to go up to the second floor",
      { request: "entry" },
      "ENTRY_DENY_WITHOUT_JUDICIAL_WARRANT",
    ],
    [
      "a client asked me if she has to talk to ICE if they knock on her apartment door, where do I send her",
      { request: "rights-referral" },
      "RIGHTS_REFERRAL",
    ],
  ]);
});

describe("language and reading", () => {
  it("marks Spanish questions as Spanish", () => {
    expect(ask("La migra está en la puerta de la escuela y quieren entrar sin orden judicial.").language).toBe("es");
    expect(ask("ICE is at the front door of the school").language).toBe("en");
  });

  it("engine.read returns the facts without deciding", () => {
    const reading = engine.read("ICE is at the front door of our shelter with no warrant");
    expect(reading.facts).toMatchObject({ requester: "immigration", document: "none", role: "social-services" });
    expect(reading.inScope).toBe(true);
  });
});
