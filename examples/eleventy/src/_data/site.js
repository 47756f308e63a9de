export default { title: "Back-end trends, from Lectern" };
