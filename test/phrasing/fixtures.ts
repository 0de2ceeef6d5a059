/**
 * Faithful plain-language sentences for the citations the tests' situations cite, in
 * English and Spanish, as a careful model would write them. The fake model server answers
 * with these unless a test scripts something else.
 */

export const GOOD_EN: Record<string, string> = {
  "nypd-reception-desk": "Officers from outside the local police may not go past a school's reception desk.",
  "nypd-valid-warrant": "The NYPD does not let ICE agents onto school grounds unless they have a valid warrant.",
  "city25-schools-unchanged": "The Schools Chancellor says policy at City public schools has not changed.",
  "city25-no-agents-without-warrant":
    "City employees have been told not to allow federal agents onto property without a warrant.",
  "doe-no-entry-without-warrant":
    "ICE agents may not enter a school without a warrant, and they wait outside while staff consult a DOE attorney.",
  "doe-legal-principal-police":
    "DOE lawyers, the principal and senior police officials must all be involved before any decision is made.",
  "city25-no-open-doors": "The mayor's office stresses that workers are not told to open doors for federal agents.",
  "city25-step-aside": "If you feel your safety is threatened, the guidance says to step aside rather than resist.",
  "nypd-senior-official":
    "A senior police official is called when a principal and an outside officer disagree about access, or when an officer insists on it.",
  "eo26-personal-data":
    "The City limits sharing personal data with federal immigration authorities unless the law explicitly requires it.",
  "eo26-no-handover":
    "Information the City collects in schools, hospitals or social services cannot be handed over to ICE without a legal basis.",
  "doe-student-info": "Schools give out no student information unless the law requires it.",
  "ll228-no-voluntary-cooperation":
    "The City does not voluntarily cooperate with federal immigration enforcement and coordinates only in limited cases, such as a public safety risk.",
  "ll228-reviewed-in-advance":
    "Senior City agency officials review any request for help from immigration officials in advance, on public safety grounds and not to help with deportation.",
  "eo26-no-entry":
    "Federal immigration agents are no longer allowed to enter City-owned property without a court warrant.",
  "doe-judge-signed": "ICE cannot come in without a warrant signed by a judge.",
  "ll228-no-ice-supervision":
    "City agencies may not make any arrangement that puts employees under the direction or supervision of federal immigration officials, such as 287(g) agreements with ICE.",
  "ll228-287g-deputized":
    "City agencies may not enter 287(g) agreements in which ICE deputizes City staff to enforce immigration law.",
  "eo26-kyr-brochures": "Tens of thousands of brochures in ten languages have already been handed out.",
  "doe-actionnyc": "ActionNYC offers free immigration legal services.",
};

export const GOOD_ES: Record<string, string> = {
  "nypd-reception-desk":
    "Los agentes de fuera de la policía local no pueden pasar de la recepción de las escuelas de la ciudad.",
  "nypd-valid-warrant": "No se deja entrar a los agentes de ICE en las escuelas a menos que tengan una orden válida.",
  "city25-schools-unchanged":
    "La canciller de Escuelas dice que la política en las escuelas públicas de la ciudad no ha cambiado.",
  "city25-no-agents-without-warrant":
    "Se indicó a los empleados que no permitan la entrada de agentes federales a la propiedad sin una orden.",
  "doe-no-entry-without-warrant":
    "Los agentes de ICE no pueden entrar a una escuela sin una orden y esperan afuera mientras el personal consulta a un abogado del DOE.",
  "doe-legal-principal-police":
    "Abogados del DOE, el director y altos mandos de la policía deben participar antes de tomar cualquier decisión.",
  "city25-no-open-doors":
    "La oficina del alcalde insiste en que no se indica a los trabajadores que abran las puertas a los agentes federales.",
  "city25-step-aside":
    "Si siente que su seguridad está amenazada, la guía indica hacerse a un lado en lugar de resistirse.",
  "nypd-senior-official":
    "Se llama a un alto mando de la policía si el director y un agente de fuera no están de acuerdo sobre el acceso, o si el agente exige entrar.",
};

/** What a careful model says for a citation it has no canned sentence for. */
export function goodSentence(id: string, language: string): string {
  const table = language === "es" ? GOOD_ES : GOOD_EN;
  return (
    table[id] ??
    (language === "es"
      ? "Este extracto respalda el paso que lo cita."
      : "This excerpt supports the step that cites it.")
  );
}
